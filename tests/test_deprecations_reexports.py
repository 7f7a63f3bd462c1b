"""A project's own re-exports are followed across its modules (issue 23, point 4)."""

from __future__ import annotations

from eco.deprecations.scan import scan_sources
from eco.deprecations.scan import Source

PROJECT = {
    "src/flask_foo/__init__.py": "from flask import Markup\n\n\ndef helper():\n    pass\n",
    "src/flask_foo/views.py": (
        "from . import Markup\n\n\ndef render(text):\n    return Markup(text)\n"
    ),
    "src/flask_foo/compat.py": (
        "try:\n    from flask import Markup\nexcept ImportError:\n"
        "    from markupsafe import Markup\n"
    ),
    "src/flask_foo/forms.py": (
        "import flask_foo\nfrom flask_foo import views\nfrom .compat import Markup as M\n"
        "from . import helper\n\n"
        "flask_foo.Markup('a')\nviews.Markup('b')\nM('c')\nhelper()\n"
    ),
    "tests/test_foo.py": "from flask_foo.views import Markup\n\nMarkup('t')\n",
}


def test_reexports_inside_the_project_are_followed() -> None:
    sources = [Source(path, text) for path, text in PROJECT.items()]
    result = scan_sources(sources, ["flask.Markup"])
    assert [(u.path, u.line, u.kind) for u in result.uses] == [
        ("src/flask_foo/__init__.py", 1, "import"),
        ("src/flask_foo/compat.py", 2, "import"),
        ("src/flask_foo/forms.py", 3, "import"),
        ("src/flask_foo/forms.py", 6, "use"),
        ("src/flask_foo/forms.py", 7, "use"),
        ("src/flask_foo/forms.py", 8, "use"),
        ("src/flask_foo/views.py", 1, "import"),
        ("src/flask_foo/views.py", 5, "use"),
        ("tests/test_foo.py", 1, "import"),
        ("tests/test_foo.py", 3, "use"),
    ]
    # A use through the project's own name says which name it went through.
    views = [u.via for u in result.uses if u.path == "src/flask_foo/views.py"]
    assert views == ["flask_foo.Markup", "flask_foo.Markup"]


def test_a_project_module_that_rebinds_the_name_exports_nothing() -> None:
    sources = [
        Source("pkg/__init__.py", "from flask import Markup\nMarkup = str\n"),
        Source("pkg/views.py", "from . import Markup\nMarkup('x')\n"),
    ]
    result = scan_sources(sources, ["flask.Markup"])
    assert [(u.path, u.line) for u in result.uses] == [("pkg/__init__.py", 1)]
