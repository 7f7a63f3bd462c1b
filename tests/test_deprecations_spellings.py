"""One deprecation, several spellings (issue 23, point 1).

Flask deprecated ``_request_ctx_stack`` both as ``flask._request_ctx_stack`` and as
``flask.globals._request_ctx_stack``: one module ``__getattr__`` in each module, one
message. The spellings come from the upstream package's source when it is importable
(read with ``ast``, never imported) or from ``--also``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from eco.deprecations.scan import scan_sources
from eco.deprecations.scan import Source
from eco.deprecations.spellings import pair_also
from eco.deprecations.spellings import upstream_spellings
from eco.errors import EcoError
from tests.helpers import write_files

# Flask 2.2's shapes: a module __getattr__ in the package and in flask.globals.
FLASK = {
    "flask/__init__.py": (
        "from markupsafe import Markup\n"
        "from markupsafe import escape\n"
        "from . import json as json\n"
        "from .globals import current_app as current_app\n"
        "from .globals import request\n"
        "from .helpers import send_file as send_file\n\n"
        '__version__ = "2.2.5"\n\n\n'
        "def __getattr__(name):\n"
        '    if name == "_app_ctx_stack":\n'
        "        import warnings\n"
        "        from .globals import __app_ctx_stack\n\n"
        '        warnings.warn("deprecated", DeprecationWarning, stacklevel=2)\n'
        "        return __app_ctx_stack\n\n"
        '    if name == "_request_ctx_stack":\n'
        "        import warnings\n"
        "        from .globals import __request_ctx_stack\n\n"
        '        warnings.warn("deprecated", DeprecationWarning, stacklevel=2)\n'
        "        return __request_ctx_stack\n\n"
        "    raise AttributeError(name)\n"
    ),
    "flask/globals.py": (
        "from werkzeug.local import LocalProxy\n\n"
        "__app_ctx_stack = object()\n"
        "__request_ctx_stack = object()\n"
        "current_app = LocalProxy()\n"
        "request = LocalProxy()\n\n\n"
        "def __getattr__(name):\n"
        '    if name == "_app_ctx_stack":\n'
        "        return __app_ctx_stack\n"
        '    if name == "_request_ctx_stack":\n'
        "        return __request_ctx_stack\n"
        "    raise AttributeError(name)\n"
    ),
    "flask/helpers.py": "def send_file():\n    pass\n",
    # An import for the module's own use offers nothing to others.
    "flask/templating.py": "from .helpers import send_file\n",
    "flask/json/__init__.py": (
        "import json as _json\n\n\nclass JSONEncoder(_json.JSONEncoder):\n    pass\n"
    ),
    # Never run: reading the package must not import it.
    "flask/app.py": "raise SystemExit('flask was imported')\n",
}

USER = """\
from flask.globals import _request_ctx_stack
import flask
from markupsafe import Markup


def top():
    return _request_ctx_stack.top, flask._request_ctx_stack.top, flask._app_ctx_stack


def other():
    return flask.request, flask.globals.current_app, Markup("x"), flask.send_file
"""


@pytest.fixture
def site(tmp_path: Path) -> Path:
    write_files(tmp_path / "site", FLASK)
    return tmp_path / "site"


def uses(names: list[str], spellings: dict[str, set[str]]) -> list[tuple[int, str, str, str]]:
    result = scan_sources([Source("ext.py", USER)], names, spellings=spellings)
    return [(u.line, u.name, u.kind, u.via) for u in result.uses]


def test_both_spellings_from_the_installed_package(site: Path) -> None:
    names = ["flask._request_ctx_stack"]
    spellings = upstream_spellings(names, [str(site)])
    assert spellings == {
        "flask._request_ctx_stack": {
            "flask._request_ctx_stack",
            "flask.globals._request_ctx_stack",
            "flask.globals.__request_ctx_stack",
        }
    }
    assert "flask" not in sys.modules
    assert uses(names, spellings) == [
        (1, "flask._request_ctx_stack", "import", "flask.globals._request_ctx_stack"),
        (7, "flask._request_ctx_stack", "use", "flask.globals._request_ctx_stack"),
        (7, "flask._request_ctx_stack", "use", ""),
    ]


def test_the_reverse_spelling_and_plain_reexports(site: Path) -> None:
    names = ["flask.globals._request_ctx_stack", "flask.globals.request", "flask.helpers.send_file"]
    spellings = upstream_spellings(names, [str(site)])
    assert spellings["flask.helpers.send_file"] == {"flask.helpers.send_file", "flask.send_file"}
    assert uses(names, spellings) == [
        (1, "flask.globals._request_ctx_stack", "import", ""),
        (7, "flask.globals._request_ctx_stack", "use", ""),
        (7, "flask.globals._request_ctx_stack", "use", "flask._request_ctx_stack"),
        (11, "flask.globals.request", "use", "flask.request"),
        (11, "flask.helpers.send_file", "use", "flask.send_file"),
    ]


def test_a_name_from_another_package_is_not_a_spelling(site: Path) -> None:
    # flask.Markup was markupsafe.Markup: the replacement, never a use of the deprecation.
    names = ["flask.Markup", "flask.globals"]
    spellings = upstream_spellings(names, [str(site)])
    assert spellings == {"flask.Markup": {"flask.Markup"}, "flask.globals": {"flask.globals"}}
    # flask.request is a name *from* flask.globals, not the module itself.
    assert [u[:3] for u in uses(names, spellings)] == [
        (1, "flask.globals", "import"),
        (7, "flask.globals", "use"),
        (11, "flask.globals", "use"),
    ]


def test_not_installed_means_the_name_alone(tmp_path: Path) -> None:
    assert upstream_spellings(["flask._request_ctx_stack"], [str(tmp_path)]) == {
        "flask._request_ctx_stack": {"flask._request_ctx_stack"}
    }


def test_also_names_another_spelling() -> None:
    names = ["flask._request_ctx_stack", "flask.Markup"]
    spellings = pair_also(names, ["flask.globals._request_ctx_stack"])
    assert spellings == {
        "flask._request_ctx_stack": {
            "flask._request_ctx_stack",
            "flask.globals._request_ctx_stack",
        },
        "flask.Markup": {"flask.Markup"},
    }
    assert [u[:3] for u in uses(names, spellings)] == [
        (1, "flask._request_ctx_stack", "import"),
        (7, "flask._request_ctx_stack", "use"),
        (7, "flask._request_ctx_stack", "use"),
    ]
    # NAME=SPELLING when the last part does not say which NAME it belongs to.
    assert pair_also(names, ["flask.Markup=markup.Old"])["flask.Markup"] == {
        "flask.Markup",
        "markup.Old",
    }
    with pytest.raises(EcoError, match="--also 'flask.globals.nothing': no NAME ends in"):
        pair_also(names, ["flask.globals.nothing"])
    with pytest.raises(EcoError, match="--also 'flask.X=y': 'flask.X' is not one of the NAMEs"):
        pair_also(names, ["flask.X=y"])
