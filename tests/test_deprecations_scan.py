"""The upstream-deprecation scanner over synthetic code: every import form, no false hits."""

from __future__ import annotations

import textwrap

import pytest

from eco.deprecations.scan import module_name
from eco.deprecations.scan import package_of
from eco.deprecations.scan import scan_sources
from eco.deprecations.scan import Source

NAMES = ["flask.helpers.send_from_directory", "werkzeug.urls.url_quote", "flask.Markup"]


def hits(
    code: str, names: list[str] = NAMES, path: str = "pkg/mod.py"
) -> list[tuple[int, str, str]]:
    """(line, name, kind) of every use in ``code``."""
    sources = [Source(path, textwrap.dedent(code)), Source("pkg/__init__.py", "")]
    result = scan_sources(sources, names)
    assert result.unparsed == ()
    return [(u.line, u.name, u.kind) for u in result.uses if u.path == path]


def test_import_module_then_attribute_chain() -> None:
    assert hits(
        """\
        import flask
        flask.helpers.send_from_directory("static", "x")
        value = flask.Markup("<b>")
        flask.Markup.escape(value)
        """
    ) == [
        (2, "flask.helpers.send_from_directory", "use"),
        (3, "flask.Markup", "use"),
        (4, "flask.Markup", "use"),
    ]


def test_import_dotted_module() -> None:
    assert hits(
        """\
        import werkzeug.urls
        import flask.helpers
        werkzeug.urls.url_quote("a b")
        flask.helpers.send_from_directory
        """
    ) == [(3, "werkzeug.urls.url_quote", "use"), (4, "flask.helpers.send_from_directory", "use")]


def test_import_as_then_attribute() -> None:
    assert hits(
        """\
        import werkzeug.urls as wu
        import flask as f
        wu.url_quote("a")
        f.helpers.send_from_directory
        f.Markup
        """
    ) == [
        (3, "werkzeug.urls.url_quote", "use"),
        (4, "flask.helpers.send_from_directory", "use"),
        (5, "flask.Markup", "use"),
    ]


def test_from_import_and_from_import_as() -> None:
    assert hits(
        """\
        from flask import Markup
        from werkzeug.urls import url_quote as quote
        from flask.helpers import send_from_directory
        from flask import helpers

        def view(name):
            return send_from_directory("static", quote(name)), Markup(name)

        helpers.send_from_directory
        """
    ) == [
        (1, "flask.Markup", "import"),
        (2, "werkzeug.urls.url_quote", "import"),
        (3, "flask.helpers.send_from_directory", "import"),
        (7, "flask.helpers.send_from_directory", "use"),
        (7, "werkzeug.urls.url_quote", "use"),
        (7, "flask.Markup", "use"),
        (9, "flask.helpers.send_from_directory", "use"),
    ]


def test_whole_module_names_and_imports_from_inside_it() -> None:
    assert hits(
        """\
        import werkzeug.urls
        from werkzeug.urls import url_parse
        from werkzeug import urls
        url_parse("x")
        urls.iri_to_uri
        """,
        ["werkzeug.urls"],
    ) == [
        (1, "werkzeug.urls", "import"),
        (2, "werkzeug.urls", "import"),
        (3, "werkzeug.urls", "import"),
        (4, "werkzeug.urls", "use"),
        (5, "werkzeug.urls", "use"),
    ]


def test_reexport_in_package_init() -> None:
    code = """\
        from flask import Markup
        from werkzeug.urls import url_quote as url_quote
        from .local import thing

        __all__ = ["Markup", "thing", "url_quote"]
        """
    assert hits(code, path="pkg/__init__.py") == [
        (1, "flask.Markup", "re-export"),
        (2, "werkzeug.urls.url_quote", "re-export"),
        (5, "flask.Markup", "re-export"),
        (5, "werkzeug.urls.url_quote", "re-export"),
    ]


def test_no_hits_in_comments_strings_and_docstrings() -> None:
    assert (
        hits(
            '''\
        """Uses flask.Markup and werkzeug.urls.url_quote, see flask.helpers."""
        # import flask; flask.Markup
        # from flask import Markup
        text = "flask.Markup"
        other = f"{text} werkzeug.urls.url_quote"
        getattr(object, "Markup")

        def f():
            """from flask import Markup"""
        '''
        )
        == []
    )


def test_no_hits_for_unrelated_names() -> None:
    assert (
        hits(
            """\
        import jinja2
        import markupsafe
        from markupsafe import Markup as SafeMarkup

        Markup = SafeMarkup
        Markup("x")
        markupsafe.Markup
        jinja2.Markup

        class Page:
            Markup = None

            def render(self, flask):
                return self.Markup, flask.Markup

        def send_from_directory(path):
            return path

        send_from_directory("x")
        url_quote = str
        url_quote(1)
        """
        )
        == []
    )


def test_local_names_shadow_the_import() -> None:
    assert hits(
        """\
        from flask import Markup

        def param(Markup):
            return Markup

        def local():
            Markup = str
            return Markup("x")

        def comprehension(items):
            return [Markup for Markup in items]

        def handler():
            try:
                pass
            except Exception as Markup:
                return Markup

        def uses_module_level():
            return Markup("still flask")

        lam = lambda Markup: Markup
        """
    ) == [(1, "flask.Markup", "import"), (20, "flask.Markup", "use")]


def test_global_declaration_and_class_scope() -> None:
    assert hits(
        """\
        import flask

        class View:
            flask = None
            value = flask

            def method(self):
                return flask.Markup

        def rebinds():
            global flask
            flask = None

        def reads():
            return flask.Markup
        """
    ) == [(8, "flask.Markup", "use"), (15, "flask.Markup", "use")]


def test_fallback_imports_and_rebinding_at_module_level() -> None:
    assert hits(
        """\
        try:
            from markupsafe import Markup
        except ImportError:
            from flask import Markup
        Markup("either")
        import flask
        flask = None
        flask.Markup
        """
    ) == [(4, "flask.Markup", "import"), (5, "flask.Markup", "use")]


def test_relative_imports_inside_the_upstream_project() -> None:
    sources = [
        Source("src/flask/__init__.py", "from .helpers import send_from_directory\n"),
        Source("src/flask/helpers.py", "def send_from_directory(): pass\n"),
        Source("src/flask/app.py", "from . import helpers\nhelpers.send_from_directory\n"),
    ]
    result = scan_sources(sources, ["flask.helpers.send_from_directory"])
    assert [(u.path, u.line, u.kind) for u in result.uses] == [
        ("src/flask/__init__.py", 1, "import"),
        ("src/flask/app.py", 2, "use"),
    ]


def test_star_import_makes_bare_names_count() -> None:
    # The star import itself is not a use of flask.Markup; the bare name is.
    assert hits("from flask import *\nMarkup('x')\n") == [(2, "flask.Markup", "use")]
    assert hits("from werkzeug.urls import *\n") == []
    assert hits("from werkzeug.urls import *\n", ["werkzeug.urls"]) == [
        (1, "werkzeug.urls", "import")
    ]


def test_use_carries_column_and_code() -> None:
    result = scan_sources([Source("a.py", "import flask\nx = 1; y = flask.Markup\n")], NAMES)
    (use,) = result.uses
    assert (use.line, use.column, use.code) == (2, 12, "x = 1; y = flask.Markup")


def test_unparsable_files_are_reported_not_fatal() -> None:
    result = scan_sources(
        [Source("py2.py", "print 'hello'\n"), Source("ok.py", "import flask\nflask.Markup\n")],
        NAMES,
    )
    assert [u.path for u in result.uses] == ["ok.py"]
    assert len(result.unparsed) == 1 and result.unparsed[0].startswith("py2.py:1: ")


@pytest.mark.parametrize(
    ("path", "module", "package"),
    [
        ("src/flask_foo/__init__.py", "flask_foo", "flask_foo"),
        ("src/flask_foo/views.py", "flask_foo.views", "flask_foo"),
        ("src/flask_foo/sub/x.py", "flask_foo.sub.x", "flask_foo.sub"),
        ("setup.py", "setup", ""),
    ],
)
def test_module_names(path: str, module: str, package: str) -> None:
    paths = {"src/flask_foo/__init__.py", "src/flask_foo/sub/__init__.py", path}
    assert module_name(path, paths) == module
    assert package_of(path, paths) == package


def test_a_fallback_that_rebinds_the_name_hides_no_later_use() -> None:
    # Issue 23, point 2: every binding that may reach a use counts, not only the last one.
    assert hits(
        """\
        try:
            from flask import Markup
        except ImportError:
            Markup = None
        x = Markup("a")

        def later():
            return Markup("b")
        """
    ) == [(2, "flask.Markup", "import"), (5, "flask.Markup", "use"), (8, "flask.Markup", "use")]


def test_a_use_before_a_later_import_is_not_blamed_on_it() -> None:
    # Issue 23, point 3: only the bindings before a use, in flow order, count.
    assert hits(
        """\
        from markupsafe import Markup
        early = Markup("a")
        from flask import Markup
        late = Markup("b")
        """
    ) == [(3, "flask.Markup", "import"), (4, "flask.Markup", "use")]


def test_branches_and_loops_follow_the_flow() -> None:
    assert hits(
        """\
        if ready:
            from flask import Markup
        else:
            Markup = str
        Markup("either branch")
        Markup = str
        Markup("rebound on every path")
        for item in items:
            Markup(item)
            from flask import Markup
        while waiting:
            Markup = str
        else:
            Markup("the loop may not have run")
        """
    ) == [
        (2, "flask.Markup", "import"),
        (5, "flask.Markup", "use"),
        (9, "flask.Markup", "use"),
        (10, "flask.Markup", "import"),
        (14, "flask.Markup", "use"),
    ]


def test_builtins_are_never_upstream_names() -> None:
    # Issue 23, point 5: ``from flask import *`` binds no builtin.
    assert hits("from flask import *\nprint(len('x'))\nMarkup('x')\n", ["flask"]) == [
        (1, "flask", "import"),
        (3, "flask", "use"),
    ]
    # Nor, without an __all__ saying so, a name starting with an underscore.
    assert hits("from flask import *\nprint(__file__, __name__)\n", ["flask"]) == [
        (1, "flask", "import")
    ]


def test_code_that_runs_at_once_sees_the_flow_where_it_stands() -> None:
    # A class body and a comprehension run where they are written; a comprehension
    # never sees the class's names; a function body runs later, and never sees them.
    assert hits(
        """\
        from markupsafe import Markup
        class Page:
            before = Markup("markupsafe")
            from flask import Markup
            after = Markup("flask")
            items = [Markup(i) for i in range(2)]
            def method(self):
                return Markup("markupsafe: the class's name is not visible")
        """
    ) == [(4, "flask.Markup", "import"), (5, "flask.Markup", "use")]
    assert hits(
        """\
        def later():
            return Markup("the import below has run by then")
        with open("x") as Markup:
            Markup.read()
        try:
            from flask import Markup
        finally:
            pass
        Markup("flask")
        """
    ) == [
        (2, "flask.Markup", "use"),
        (6, "flask.Markup", "import"),
        (9, "flask.Markup", "use"),
    ]


def test_break_and_continue_carry_their_bindings_out() -> None:
    assert hits(
        """\
        for item in items:
            from flask import Markup
            if item:
                break
            Markup = str
        Markup("the break left the import bound")
        Markup = str
        for item in items:
            Markup("the continue below left the import bound")
            from flask import Markup
            if item:
                continue
            Markup = str
        """
    ) == [
        (2, "flask.Markup", "import"),
        (6, "flask.Markup", "use"),
        (9, "flask.Markup", "use"),
        (10, "flask.Markup", "import"),
    ]
