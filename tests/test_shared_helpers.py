"""Tests share helpers through fixtures and support modules, never by importing another
test module or a conftest: importing a test module runs its module-level code a second
time and ties two files' tests together; a conftest is pytest's to load."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def _is_test_module(dotted: str) -> bool:
    last = dotted.rpartition(".")[2]
    return last.startswith("test_") or last == "conftest"


def imports_of_tests(source: str) -> list[int]:
    """The lines of `source` that import a test module or a conftest, in any form."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            module = node.module or ""
            ours = node.level > 0 or module == "tests" or module.startswith("tests.")
            candidates = [module, *(f"{module}.{a.name}" for a in node.names)]
            if ours and any(_is_test_module(c) for c in candidates):
                lines.append(node.lineno)
        elif isinstance(node, ast.Import) and any(
            a.name.startswith("tests.") and _is_test_module(a.name) for a in node.names
        ):
            lines.append(node.lineno)
    return lines


def test_no_test_module_imports_another_or_a_conftest():
    found = [
        f"{path.relative_to(TESTS.parent)}:{line}"
        for path in sorted(TESTS.rglob("*.py"))
        for line in imports_of_tests(path.read_text(encoding="utf-8"))
    ]
    assert not found, (
        "these import a test module or a conftest; move what they use into a support "
        "module (tests/<package>/support.py) or a fixture:\n" + "\n".join(found)
    )


def test_the_check_sees_each_form():
    sample = (
        "from tests.tui.test_flows import edit\n"
        "from .conftest import settle\n"
        "from . import test_cli\n"
        "import tests.fuzz.test_hooks\n"
        "from tests.tui.support import edit\n"
        "from tests.tui import replaying\n"
    )
    assert imports_of_tests(sample) == [1, 2, 3, 4]
