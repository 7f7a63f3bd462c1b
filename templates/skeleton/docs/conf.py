{%- if docs_format == "md" -%}
import importlib.metadata

# Project --------------------------------------------------------------

project = {{ pypi | pyrepr }}
version = release = importlib.metadata.version(project).partition(".dev")[0]
repo_url = {{ ("https://github.com/" ~ repo ~ "/") | pyrepr }}

# General --------------------------------------------------------------

default_role = "code"
extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.extlinks",
    "sphinx.ext.intersphinx",
    "myst_parser",
]
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_preserve_defaults = True
extlinks = {
    "issue": (f"{repo_url}issues/%s", "#%s"),
    "pr": (f"{repo_url}pull/%s", "#%s"),
    "ghsa": (f"{repo_url}security/advisories/GHSA-%s", "GHSA-%s"),
}
intersphinx_mapping = {
    "python": ("https://docs.python.org/3/", None),
}
myst_enable_extensions = [
    "fieldlist",
]
myst_heading_anchors = 2

# HTML -----------------------------------------------------------------

html_theme = "furo"
html_copy_source = False
html_theme_options = {
    "source_repository": repo_url,
    "source_branch": {{ branch | pyrepr }},
    "source_directory": "docs/",
}
pygments_style = "default"
pygments_style_dark = "github-dark"
html_show_copyright = False
html_use_index = False
html_domain_indices = False
{%- else -%}
from pallets_sphinx_themes import get_version
from pallets_sphinx_themes import ProjectLink

# Project --------------------------------------------------------------

project = {{ pypi | pyrepr }}
copyright = {{ copyright | pyrepr }}
author = {{ maintainer_name | pyrepr }}
release, version = get_version(project)
repo_url = {{ ("https://github.com/" ~ repo ~ "/") | pyrepr }}

# General --------------------------------------------------------------

default_role = "code"
extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.extlinks",
    "sphinx.ext.intersphinx",
{%- if changelog_format == "md" %}
    "myst_parser",
{%- endif %}
    "pallets_sphinx_themes",
]
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_preserve_defaults = True
extlinks = {
    "issue": (f"{repo_url}issues/%s", "#%s"),
    "pr": (f"{repo_url}pull/%s", "#%s"),
    "ghsa": (f"{repo_url}security/advisories/GHSA-%s", "GHSA-%s"),
}
intersphinx_mapping = {
    "python": ("https://docs.python.org/3/", None),
}

# HTML -----------------------------------------------------------------

html_theme = "{{ 'flask' if is_flask_extension else 'pocoo' }}"
html_context = {
    "project_links": [
        ProjectLink("Donate", {{ donate_url | pyrepr }}),
        ProjectLink("PyPI Releases", {{ ("https://pypi.org/project/" ~ pypi ~ "/") | pyrepr }}),
        ProjectLink("Source Code", repo_url),
        ProjectLink("Issue Tracker", f"{repo_url}issues/"),
        ProjectLink("Chat", {{ chat_url | pyrepr }}),
    ]
}
html_sidebars = {
    "index": ["project.html", "localtoc.html", "searchbox.html"],
    "**": ["localtoc.html", "relations.html", "searchbox.html"],
}
singlehtml_sidebars = {"index": ["project.html", "localtoc.html"]}
html_title = f"{project} Documentation ({version})"
html_show_sourcelink = False
{%- endif %}
