"""What the apps import, checked on every run (make lint also runs import-linter's contracts of pyproject.toml).

No import of the portal's own modules inside a function: such an import hides a cycle between modules (or
delays an error until the line runs), and a newcomer cannot see from a module's head what it depends on. The
few that are not cycles are listed below with their reason."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("core", "accounts", "establishments", "permits", "transfers", "reconciliation", "cms", "sandbox", "config")

# (file, module as written) → why it is imported inside a function.
ALLOWED = {
    ("cms/search.py", ".search_sqlite"): "it subclasses Wagtail's SQLite search backend, which can only be "
    "imported on SQLite",
}


def _project_module(node: ast.Import | ast.ImportFrom) -> list[str]:
    if isinstance(node, ast.ImportFrom):
        name = "." * node.level + (node.module or "")
        return [name] if node.level or name.split(".")[0] in APPS else []
    return [alias.name for alias in node.names if alias.name.split(".")[0] in APPS]


def function_level_imports() -> list[tuple[str, int, str]]:
    found = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" in relative:
                continue
            tree = ast.parse(path.read_text(), filename=relative)
            for function in ast.walk(tree):
                if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                    continue
                if path.name == "apps.py" and function.name == "ready":
                    continue  # AppConfig.ready: Django's place for connecting signals once the apps are loaded
                for node in ast.walk(function):
                    if isinstance(node, ast.Import | ast.ImportFrom):
                        found += [(relative, node.lineno, module) for module in _project_module(node)]
    return found


def test_no_import_of_the_portals_modules_inside_a_function():
    hidden = [f"{path}:{line} {module}" for path, line, module in function_level_imports()
              if (path, module) not in ALLOWED]
    assert hidden == [], "imports inside a function (move them to the module's head, or break the cycle):\n" + (
        "\n".join(hidden)
    )


def test_every_allowed_exception_is_still_there():
    present = {(path, module) for path, _line, module in function_level_imports()}
    assert set(ALLOWED) <= present, set(ALLOWED) - present
