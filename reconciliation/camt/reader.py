"""The statement reader thread: parses a camt.053 (or camt.052, camt.054) file in a thread of its own while the
caller's thread matches and writes the previous chunk (the database works meanwhile). Items come through a small
queue, so memory stays flat. Chunks hold whole entries. The reader touches no database; it stops when
told to."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator

from django.utils import translation

from ..constants import BULK_SIZE
from .parser import EntryLine, StatementHeader, parse_statement

# A small first chunk, so that the matching starts early; then chunks four times larger, up to this.
FIRST_CHUNK = 500
CHUNK_SIZE = BULK_SIZE

_END = object()


class StatementReader(threading.Thread):
    """Iterate it for the statement's headers (``StatementHeader``) and its chunks of lines
    (``(lines, bytes read so far)``), in file order; an error of the parser is raised in the iterating
    thread."""

    def __init__(self, handle, max_bytes: int):
        super().__init__(name="camt-reader", daemon=True)
        self.handle = handle
        self.max_bytes = max_bytes
        self.language = translation.get_language()
        self.items: queue.Queue = queue.Queue(maxsize=2)
        self.stopped = threading.Event()

    def _put(self, item) -> bool:
        while not self.stopped.is_set():
            try:
                self.items.put(item, timeout=0.2)
                return True
            except queue.Full:
                continue
        return False

    def run(self) -> None:
        try:
            with translation.override(self.language):
                chunk: list[EntryLine] = []
                last_entry = 0
                limit = min(FIRST_CHUNK, CHUNK_SIZE)
                for item in parse_statement(self.handle, max_bytes=self.max_bytes):
                    if isinstance(item, StatementHeader):
                        if chunk and not self._put((chunk, self.handle.tell())):
                            return
                        chunk = []
                        if not self._put(item):
                            return
                        continue
                    if item.entry_index != last_entry:
                        last_entry = item.entry_index
                        if len(chunk) >= limit:
                            if not self._put((chunk, self.handle.tell())):
                                return
                            chunk = []
                            limit = min(limit * 4, CHUNK_SIZE)
                    chunk.append(item)
                if chunk:
                    self._put((chunk, self.handle.tell()))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread, which raises it
            self._put(exc)
        else:
            self._put(_END)

    def __iter__(self) -> Iterator[StatementHeader | tuple[list[EntryLine], int]]:
        while True:
            try:
                item = self.items.get(timeout=1)
            except queue.Empty:
                if not self.is_alive() and self.items.empty():  # died without a word: never wait forever
                    raise RuntimeError("camt reader stopped") from None
                continue
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise item
            yield item

    def stop(self) -> None:
        self.stopped.set()
        self.join()
