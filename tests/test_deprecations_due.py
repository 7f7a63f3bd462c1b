"""A project's own deprecations: found, their removal version read, due or not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eco.deprecations.own import due
from eco.deprecations.own import find_deprecations
from eco.deprecations.own import next_feature_version
from eco.deprecations.removal import NEXT
from eco.deprecations.removal import parse_removal
from eco.deprecations.removal import Removal
from eco.deprecations.scan import Source
from eco.errors import EcoError
from tests.helpers import make_bare_repo
from tests.helpers import make_ecosystem
from tests.helpers import run_eco
from tests.helpers import write_files


@pytest.mark.parametrize(
    ("message", "removal"),
    [
        (
            "'url_quote' is deprecated and will be removed in Werkzeug 3.0. Use 'quote'.",
            Removal("3.0", "Werkzeug"),
        ),
        ("The 'app' argument will be removed in Flask-Foo 3.2.", Removal("3.2", "Flask-Foo")),
        ("Passing 'x' is deprecated and will be removed in version 2.0.", Removal("2.0")),
        ("'y' will raise an error in 4.0.0; pass 'z'.", Removal("4.0.0")),
        ("This alias will be removed in the next version.", Removal(NEXT)),
        ("Deprecated; it will be removed in the next feature release.", Removal(NEXT)),
        ("Deprecated since 2.0 and will be removed in 3.1.", Removal("3.1")),
        ("'old' is deprecated and will be removed in a future version.", Removal(None)),
        ("Use 'new' instead.", Removal(None)),
    ],
)
def test_parse_removal(message: str, removal: Removal) -> None:
    assert parse_removal(message) == removal


PACKAGE = {
    "pyproject.toml": (
        '[project]\nname = "Flask-Foo"\nversion = "3.2.0.dev"\n\n'
        '[tool.flit.module]\nname = "flask_foo"\n'
    ),
    "src/flask_foo/__init__.py": """\
import typing as t
import warnings
from warnings import warn

import typing_extensions as te
from typing_extensions import deprecated

from .exceptions import FooDeprecationWarning


def __getattr__(name: str) -> t.Any:
    if name == "__version__":
        warnings.warn(
            "The '__version__' attribute is deprecated and will be removed in"
            " Flask-Foo 3.2. Use importlib.metadata.version('flask-foo').",
            DeprecationWarning,
            stacklevel=2,
        )
        return "3.2.0.dev"
    raise AttributeError(name)


def old_helper(value):
    warn(f"'old_helper' is deprecated and will be removed in Flask-Foo 3.1 ({value}).",
         category=FooDeprecationWarning, stacklevel=2)


def later(value):
    warnings.warn("'later' is deprecated and will be removed in Flask-Foo 4.0.",
                  PendingDeprecationWarning, stacklevel=2)


def upstream(value):
    warnings.warn("'x' is deprecated and will be removed in Werkzeug 3.2.",
                  DeprecationWarning)


def vague(value):
    warnings.warn("'vague' is deprecated and will be removed in a future version.",
                  DeprecationWarning)


def not_a_deprecation(value):
    warnings.warn("this will be removed in Flask-Foo 3.2", UserWarning)
    # warnings.warn("commented out, removed in 3.2", DeprecationWarning)
    text = 'warnings.warn("in a string, removed in 3.2", DeprecationWarning)'


@deprecated("'Legacy' is deprecated and will be removed in the next version.")
class Legacy:
    pass


@te.deprecated("'legacy_function' will be removed in version 3.2.0.")
def legacy_function():
    pass


def instance():
    warnings.warn(FooDeprecationWarning("'instance' will be removed in Flask-Foo 3.3."))
""",
    "src/flask_foo/exceptions.py": (
        "class FooWarning(DeprecationWarning):\n    pass\n\n\n"
        "class FooDeprecationWarning(FooWarning):\n    pass\n"
    ),
    "tests/test_foo.py": (
        "import warnings\n\n"
        "def test_x():\n"
        "    warnings.warn('fixture removed in 3.2', DeprecationWarning)\n"
    ),
}


def test_find_every_kind(tmp_path: Path) -> None:
    write_files(tmp_path, PACKAGE)
    sources = [Source(p, (tmp_path / p).read_text()) for p in PACKAGE if p.startswith("src/")]
    found = find_deprecations(sources, ["Flask-Foo", "flask_foo"])
    table = [
        (d.line, d.kind, d.category, d.removal, d.other_project, d.state("3.2.0")) for d in found
    ]
    assert table == [
        (13, "warn", "DeprecationWarning", "3.2", None, "due"),
        (24, "warn", "FooDeprecationWarning", "3.1", None, "overdue"),
        (29, "warn", "PendingDeprecationWarning", "4.0", None, "later"),
        (34, "warn", "DeprecationWarning", "3.2", "Werkzeug", "other"),
        (39, "warn", "DeprecationWarning", None, None, "unknown"),
        (49, "decorator", "DeprecationWarning", NEXT, None, "due"),
        (54, "decorator", "DeprecationWarning", "3.2.0", None, "due"),
        (60, "warn", "FooDeprecationWarning", "3.3", None, "later"),
    ]
    assert found[1].message == (
        "'old_helper' is deprecated and will be removed in Flask-Foo 3.1 ({value})."
    )


def test_due_for_the_release_helper(tmp_path: Path) -> None:
    write_files(tmp_path, PACKAGE)
    assert [(d.path, d.line) for d in due(tmp_path, "3.2.0")] == [
        ("src/flask_foo/__init__.py", 13),
        ("src/flask_foo/__init__.py", 24),
        ("src/flask_foo/__init__.py", 49),
        ("src/flask_foo/__init__.py", 54),
    ]
    # 3.1.0: only the overdue-at-3.1 one and "the next version".
    assert [d.line for d in due(tmp_path, "3.1.0")] == [24, 49]
    assert [d.line for d in due(tmp_path, "3.3")] == [13, 24, 49, 54, 60]
    with pytest.raises(EcoError, match="'three' is not a version"):
        due(tmp_path, "three")


@pytest.mark.parametrize(
    ("pyproject", "expected"),
    [
        ('[project]\nversion = "3.2.0.dev"\n', "3.2.0"),
        ('[project]\nversion = "3.2.0rc1"\n', "3.2.0"),
        ('[project]\nversion = "3.1.2"\n', "3.2.0"),
        ('[project]\nversion = "2.4.1"\n', "2.5.0"),
        ('[project]\nversion = "3.3.0b3"\n', "3.3.0"),
        ('[project]\ndynamic = ["version"]\n', "0.5.0"),
    ],
)
def test_next_feature_version(pyproject: str, expected: str) -> None:
    sources = [Source("src/pkg/__init__.py", '__version__ = "0.5.0.dev0"\n')]
    assert next_feature_version("pyproject.toml", pyproject, sources) == expected


def test_next_feature_version_missing() -> None:
    with pytest.raises(EcoError, match="pyproject.toml: no \\[project\\] version"):
        next_feature_version("pyproject.toml", "[project]\n", [])


def test_cli_due(tmp_path: Path) -> None:
    make_bare_repo(tmp_path, "flask-foo", PACKAGE)
    make_bare_repo(
        tmp_path,
        "clean",
        {
            "pyproject.toml": '[project]\nname = "clean"\nversion = "1.1.0.dev"\n',
            "src/clean/__init__.py": "import warnings\n",
        },
    )
    eco = make_ecosystem(
        tmp_path,
        f'\n[projects.flask-foo]\nurl = "{tmp_path}/remotes/flask-foo.git"\n'
        f'\n[projects.clean]\nurl = "{tmp_path}/remotes/clean.git"\n',
        copy=(),
    )
    proc = run_eco("deprecations", "due", "flask-foo", cwd=eco.root)
    assert proc.returncode == 1, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == "flask-foo 3.2.0: 4 due of 8 deprecation(s)"
    assert lines[1] == (
        "  src/flask_foo/__init__.py:13: due: The '__version__' attribute is deprecated and "
        "will be removed in Flask-Foo 3.2. Use importlib.metadata.version('flask-foo')."
    )
    assert [line.split(": ")[1] for line in lines[1:]] == ["due", "overdue", "due", "due"]

    proc = run_eco(
        "deprecations",
        "due",
        "flask-foo",
        "--version",
        "4.0",
        "--all",
        "--format",
        "json",
        cwd=eco.root,
    )
    (data,) = json.loads(proc.stdout)["projects"]
    assert data["next_version"] == "4.0"
    assert [d["state"] for d in data["deprecations"]] == [
        "overdue",
        "overdue",
        "due",
        "other",
        "unknown",
        "due",
        "overdue",
        "overdue",
    ]

    proc = run_eco("deprecations", "due", "clean", cwd=eco.root)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "clean 1.1.0: 0 due of 0 deprecation(s)\n"

    proc = run_eco("deprecations", "due", "--version", "2.0", cwd=eco.root)
    assert proc.returncode == 2
    assert "--version needs exactly one PROJECT" in proc.stderr


def test_a_message_held_in_a_module_constant() -> None:
    # Issue 23, point 6: the constant is read in the same module; a parameter that
    # shadows it is not the constant.
    code = (
        "import warnings\n\n"
        "MSG = \"'x' is deprecated and will be removed in Flask-Foo 1.2.\"\n"
        "PREFIX = \"'y' is deprecated\"\n"
        "_LATER: str = \"'w' will be removed in 1.4.\"\n\n\n"
        "def x():\n    warnings.warn(MSG, DeprecationWarning)\n\n\n"
        "def y():\n"
        "    warnings.warn(PREFIX + ' and will be removed in 1.3.', DeprecationWarning)\n\n\n"
        "def w():\n    warnings.warn(_LATER, DeprecationWarning, stacklevel=2)\n\n\n"
        "def z(MSG):\n    warnings.warn(MSG, DeprecationWarning)\n"
    )
    found = find_deprecations([Source("src/flask_foo/__init__.py", code)], ["Flask-Foo"])
    assert [(d.line, d.message, d.removal, d.state("1.2.0")) for d in found] == [
        (9, "'x' is deprecated and will be removed in Flask-Foo 1.2.", "1.2", "due"),
        (13, "'y' is deprecated and will be removed in 1.3.", "1.3", "later"),
        (17, "'w' will be removed in 1.4.", "1.4", "later"),
        (21, "{MSG}", None, "unknown"),
    ]
