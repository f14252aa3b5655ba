"""The layering of ARCHITECTURE.md and the lint rules, checked on every test run."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def test_import_linter_contracts_hold():
    done = subprocess.run(
        [str(BIN / "lint-imports")], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "0 broken" in done.stdout


def test_ruff_is_clean():
    done = subprocess.run(
        [str(BIN / "ruff"), "check", "src", "tests", "bench"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-3000:]


# -- migrations are history: nothing live is built from them, and they are built from nothing live
SRC = ROOT / "src" / "carecoord_desktop"
MIGRATIONS = SRC / "store" / "migrations"
# What a frozen revision may import: Alembic and the column types it was written with.
REVISION_IMPORTS = {"__future__", "alembic", "sqlalchemy", "sqlmodel"}
# env.py, Alembic's environment, needs the models' metadata and the comparison hook.
ENV_IMPORTS = REVISION_IMPORTS | {"carecoord_desktop.models", "carecoord_desktop.store.migrate"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, absolute module) of every import in the file, relative ones resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = _module_name(path).rsplit(".", 1)[0] if path.name != "__init__.py" else ""
    package = package or _module_name(path)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            found.append((node.lineno, module))
            # `from carecoord_desktop.store import migrations` names the package as a member.
            found += [(node.lineno, f"{module}.{alias.name}") for alias in node.names]
    return found


def _strings(path: Path) -> list[tuple[int, str]]:
    """(line, text) of the string constants in the file, docstrings left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


def _is_under(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def test_no_live_code_imports_a_migration():
    # Also by name: importlib.import_module("...migrations.versions.0003_...") is an import too.
    broken = []
    for path in sorted(SRC.rglob("*.py")):
        if path.is_relative_to(MIGRATIONS):
            continue
        for line, module in _imports(path):
            if _is_under(module, "carecoord_desktop.store.migrations"):
                broken.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
        for line, value in _strings(path):
            if "store.migrations" in value or "migrations.versions" in value:
                broken.append(f"{path.relative_to(ROOT)}:{line} names {value!r}")
    assert broken == [], "\n".join(broken)


def test_migrations_import_nothing_but_alembic():
    revisions = sorted((MIGRATIONS / "versions").glob("*.py"))
    assert len(revisions) >= 7
    broken = []
    for path in [*revisions, MIGRATIONS / "env.py"]:
        allowed = ENV_IMPORTS if path.name == "env.py" else REVISION_IMPORTS
        for line, module in _imports(path):
            top = module.split(".")[0]
            if top in sys.stdlib_module_names and top != "importlib":
                continue
            if not any(_is_under(module, ok) for ok in allowed):
                broken.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    assert broken == [], "\n".join(broken)


# SQL only SQLite speaks. Services ask store/ (search_sql, dialect) for it, so that a store for
# another database changes store/ alone.
SQLITE_ONLY = re.compile(
    r"\bMATCH\b|json_each|json_extract|sqlite_master|sqlite_schema|\bPRAGMA\b|julianday|"
    r"\bfts5|fts5vocab|\bGLOB\b|\bINSERT OR (IGNORE|REPLACE)\b|strftime\(",
)
# Known and left for their own change (each file is someone else's work in progress); a new
# file, or a new kind of SQLite-only SQL in one of these, fails the test. Shrink as they move.
SQLITE_ONLY_LEFT = {
    "audit_anchors.py": {"sqlite_master"},
    "audit_view.py": {"json_each"},
    "demo.py": {"GLOB"},  # the next free practice number: practice ids shaped P000123
    "export.py": {"json_each"},
    "imports.py": {"GLOB"},
    "record.py": {"GLOB"},
}


def test_services_write_no_sqlite_only_sql():
    found: dict[str, set[str]] = {}
    for path in sorted((SRC / "services").rglob("*.py")):
        for _line, value in _strings(path):
            for match in SQLITE_ONLY.finditer(value):
                found.setdefault(path.name, set()).add(match.group(0))
    new = {
        name: sorted(kinds - SQLITE_ONLY_LEFT.get(name, set()))
        for name, kinds in found.items()
        if kinds - SQLITE_ONLY_LEFT.get(name, set())
    }
    assert new == {}, f"SQLite-only SQL in services/ (use store/dialect.py or search_sql.py): {new}"
