"""The scan on extension code in the shapes the real pallets-eco repositories had.

Before they moved off Flask's and Werkzeug's deprecated names, the extensions used them
through aliased imports (``from werkzeug.urls import url_encode as encode``), through a
module (``from flask import json`` then ``json.JSONEncoder``), through a version imported
``as`` (``from flask import __version__ as flask_version``), through ``flask.globals``
(flask-debugtoolbar), and beside traps: the same words in comments and docstrings,
``markupsafe.Markup``, the standard library's ``json.JSONEncoder`` and each project's own
``__version__``. The figure the first trial measured, 14 true hits and no false one,
must hold — with ``--also`` or with the upstream package installed beside eco.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import Ecosystem
from tests.helpers import make_bare_repo
from tests.helpers import make_ecosystem
from tests.helpers import REPO
from tests.helpers import run_eco
from tests.helpers import write_files
from tests.test_deprecations_spellings import FLASK

PROJECTS: dict[str, dict[str, str]] = {
    "flask-debugtoolbar": {
        "flask_debugtoolbar/__init__.py": (
            "import os\n"
            "import warnings\n\n"
            "from flask import Blueprint, current_app, request, g, send_from_directory\n"
            "from flask.globals import _request_ctx_stack\n"
            "from jinja2 import Environment, PackageLoader\n\n"
            "try:\n"
            "    from importlib.metadata import version\n\n"
            '    __version__ = version("flask-debugtoolbar")\n'
            "except ImportError:\n"
            '    __version__ = "0.13"\n\n\n'
            "def process_request():\n"
            "    real_request = request._get_current_object()\n"
            "    ctx = _request_ctx_stack.top\n"
            "    return ctx, real_request, __version__\n"
        ),
        "flask_debugtoolbar/panels/versions.py": (
            "from flask_debugtoolbar import __version__ as toolbar_version\n\n"
            "def content():\n    return toolbar_version\n"
        ),
    },
    "flask-wtf": {
        "src/flask_wtf/__init__.py": '__version__ = "1.0.1"\n',
        "src/flask_wtf/recaptcha/__init__.py": "",
        "src/flask_wtf/recaptcha/widgets.py": (
            '"""Render the widget; flask.Markup was replaced by markupsafe.Markup."""\n\n'
            "from flask import current_app\n"
            "from markupsafe import Markup\n"
            "from werkzeug.urls import url_encode as encode\n\n\n"
            "def recaptcha_html(public_key):\n"
            "    # werkzeug.urls.url_encode is deprecated\n"
            '    params = encode({"render": public_key})\n'
            '    return Markup(f"<div>{params}</div>")\n'
        ),
        "src/flask_wtf/csrf.py": (
            "from werkzeug.security import safe_str_cmp as compare\n\n\n"
            "def same_token(a, b):\n"
            "    if not compare(a, b):\n"
            '        raise ValueError("The CSRF tokens do not match.")\n'
        ),
    },
    "flask-sqlalchemy": {
        "src/flask_sqlalchemy/__init__.py": (
            "from flask import __version__ as flask_version\n"
            "from flask import current_app\n\n"
            '__version__ = "2.5.1"\n\n'
            'OLD_FLASK = flask_version.startswith("1.")\n'
        ),
    },
    "flask-mongoengine": {
        "flask_mongoengine/json.py": (
            "import json as stdlib_json\n\n"
            "from flask import json\n\n\n"
            "class MongoEngineJSONEncoder(json.JSONEncoder):\n"
            "    pass\n\n\n"
            "def _make_encoder(superclass):\n"
            "    return type('Encoder', (superclass,), {})\n\n\n"
            "def override_json_encoder(app):\n"
            "    app.json_encoder = _make_encoder(json.JSONEncoder)\n"
            "    return stdlib_json.JSONEncoder, json.dumps\n"
        ),
    },
    "flask-admin": {
        "flask_admin/helpers.py": (
            "# from flask import Markup  (kept for old Flask)\n"
            "import flask as f\n"
            "from flask import Markup, url_for\n\n\n"
            "def link(url, text):\n"
            '    """Return flask.Markup for an anchor."""\n'
            "    return Markup('<a href=\"%s\">%s</a>' % (url, text))\n\n\n"
            "def bold(text):\n"
            '    return f.Markup("<b>%s</b>") % text\n'
        ),
    },
    "flask-caching": {
        "src/flask_caching/__init__.py": (
            "import werkzeug.security\n\n\n"
            "def same(a, b):\n"
            "    return werkzeug.security.safe_str_cmp(a, b)\n"
        ),
    },
    "flask-mail": {
        "flask_mail.py": (
            '"""flask.Markup, werkzeug.urls.url_encode: none of them is used here."""\n\n'
            '__version__ = "0.9.1"\n'
            "from markupsafe import Markup\n\n"
            "Markup('x'), __version__\n"
        ),
    },
}

NAMES = [
    "flask.Markup",
    "flask.json.JSONEncoder",
    "werkzeug.urls.url_encode",
    "werkzeug.security.safe_str_cmp",
    "flask.__version__",
    "flask._request_ctx_stack",
]

HITS = [  # in registry order, then by file and line
    "flask-debugtoolbar flask_debugtoolbar/__init__.py:5:1: flask._request_ctx_stack "
    "(import via flask.globals._request_ctx_stack) from flask.globals import _request_ctx_stack",
    "flask-debugtoolbar flask_debugtoolbar/__init__.py:18:11: flask._request_ctx_stack "
    "(use via flask.globals._request_ctx_stack) ctx = _request_ctx_stack.top",
    "flask-wtf src/flask_wtf/csrf.py:1:1: werkzeug.security.safe_str_cmp (import) "
    "from werkzeug.security import safe_str_cmp as compare",
    "flask-wtf src/flask_wtf/csrf.py:5:12: werkzeug.security.safe_str_cmp (use) "
    "if not compare(a, b):",
    "flask-wtf src/flask_wtf/recaptcha/widgets.py:5:1: werkzeug.urls.url_encode (import) "
    "from werkzeug.urls import url_encode as encode",
    "flask-wtf src/flask_wtf/recaptcha/widgets.py:10:14: werkzeug.urls.url_encode (use) "
    'params = encode({"render": public_key})',
    "flask-sqlalchemy src/flask_sqlalchemy/__init__.py:1:1: flask.__version__ (import) "
    "from flask import __version__ as flask_version",
    "flask-sqlalchemy src/flask_sqlalchemy/__init__.py:6:13: flask.__version__ (use) "
    'OLD_FLASK = flask_version.startswith("1.")',
    "flask-mongoengine flask_mongoengine/json.py:6:30: flask.json.JSONEncoder (use) "
    "class MongoEngineJSONEncoder(json.JSONEncoder):",
    "flask-mongoengine flask_mongoengine/json.py:15:38: flask.json.JSONEncoder (use) "
    "app.json_encoder = _make_encoder(json.JSONEncoder)",
    "flask-admin flask_admin/helpers.py:3:1: flask.Markup (import) "
    "from flask import Markup, url_for",
    "flask-admin flask_admin/helpers.py:8:12: flask.Markup (use) "
    "return Markup('<a href=\"%s\">%s</a>' % (url, text))",
    "flask-admin flask_admin/helpers.py:12:12: flask.Markup (use) "
    'return f.Markup("<b>%s</b>") % text',
    "flask-caching src/flask_caching/__init__.py:5:12: werkzeug.security.safe_str_cmp (use) "
    "return werkzeug.security.safe_str_cmp(a, b)",
]


@pytest.fixture
def eco(tmp_path: Path) -> Ecosystem:
    registry = ""
    for name, files in PROJECTS.items():
        make_bare_repo(tmp_path, name, files)
        registry += f'\n[projects.{name}]\nurl = "{tmp_path}/remotes/{name}.git"\n'
    return make_ecosystem(tmp_path, registry, copy=())


def scan(eco: Ecosystem, *extra: str, env: dict[str, str] | None = None) -> tuple[str, str]:
    args = [part for name in NAMES for part in ("--name", name)]
    proc = run_eco("deprecations", "scan", *args, *extra, cwd=eco.root, env=env)
    assert proc.returncode == 1, proc.stderr
    return proc.stdout, proc.stderr


def test_the_figures_hold_with_also(eco: Ecosystem) -> None:
    out, err = scan(eco, "--also", "flask.globals._request_ctx_stack")
    assert out.splitlines() == HITS
    assert "14 use(s) of 6 name(s) in 6 of 7 project(s)" in err


def test_the_figures_hold_with_flask_installed_beside_eco(eco: Ecosystem, tmp_path: Path) -> None:
    write_files(tmp_path / "site", FLASK)
    out, err = scan(eco, env={"PYTHONPATH": f"{REPO / 'tools'}:{tmp_path / 'site'}"})
    assert out.splitlines() == HITS
    assert (
        "flask._request_ctx_stack is also spelled flask.globals.__request_ctx_stack, "
        "flask.globals._request_ctx_stack"
    ) in err.splitlines()
    assert "14 use(s) of 6 name(s) in 6 of 7 project(s)" in err


def test_without_the_other_spelling_only_that_name_is_missed(eco: Ecosystem) -> None:
    out, err = scan(eco)
    assert out.splitlines() == [line for line in HITS if "_request_ctx_stack" not in line]
    assert "12 use(s) of 6 name(s) in 5 of 7 project(s)" in err
