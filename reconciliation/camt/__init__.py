from .parser import CamtError, EntryLine, StatementHeader, parse_statement

__all__ = ["CamtError", "EntryLine", "StatementHeader", "parse_statement"]
