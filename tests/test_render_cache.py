"""The Jinja bytecode cache: compiled templates kept between runs, never stale, still
sandboxed."""

from __future__ import annotations

import os
from pathlib import Path

import jinja2
import pytest

from eco.errors import TemplateError
from eco.skeleton.render import environment
from eco.skeleton.render import render_template


def _templates(tmp_path: Path, text: str) -> Path:
    templates = tmp_path / "templates"
    (templates / "skeleton").mkdir(parents=True, exist_ok=True)
    (templates / "skeleton" / "README.md").write_text(text)
    return templates


def _entries(cache: Path) -> list[Path]:
    return sorted(cache.rglob("*.cache"))


def test_a_second_run_loads_the_compiled_template(tmp_path: Path) -> None:
    templates = _templates(tmp_path, "# {{ project }}\n")
    cache = tmp_path / "cache"
    first = environment(templates, cache)
    assert render_template(first, "README.md", {"project": "alpha"}) == "# alpha\n"
    (entry,) = _entries(cache)
    stored = entry.read_bytes()

    compiled: list[str] = []

    class Counting(jinja2.FileSystemBytecodeCache):
        def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            super().load_bytecode(bucket)
            compiled.append("loaded" if bucket.code is not None else "compiled")

    second = environment(templates, cache)
    assert second.bytecode_cache is not None
    assert isinstance(second.bytecode_cache, jinja2.FileSystemBytecodeCache)
    counting = Counting(second.bytecode_cache.directory)
    second.bytecode_cache = counting
    assert render_template(second, "README.md", {"project": "beta"}) == "# beta\n"
    assert compiled == ["loaded"]
    assert entry.read_bytes() == stored  # nothing recompiled, nothing rewritten


def test_an_edited_template_is_compiled_afresh(tmp_path: Path) -> None:
    """Same name, same path, same modification time: the source's checksum decides."""
    templates = _templates(tmp_path, "# {{ project }}\n")
    cache = tmp_path / "cache"
    render_template(environment(templates, cache), "README.md", {"project": "alpha"})
    readme = templates / "skeleton" / "README.md"
    stat = readme.stat()
    readme.write_text("## {{ project }}\n")
    os.utime(readme, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    again = render_template(environment(templates, cache), "README.md", {"project": "alpha"})
    assert again == "## alpha\n"


def test_a_cached_template_stays_sandboxed(tmp_path: Path) -> None:
    templates = _templates(tmp_path, "{{ project.__class__.__mro__ }}\n")
    cache = tmp_path / "cache"
    for _ in range(2):  # compiled, then loaded from the cache: refused both times
        with pytest.raises(TemplateError, match="refused as unsafe|unsafe"):
            render_template(environment(templates, cache), "README.md", {"project": "x"})
    assert _entries(cache)


def test_the_cache_folder_is_keyed_by_compiler(tmp_path: Path) -> None:
    templates = _templates(tmp_path, "x\n")
    cache = tmp_path / "cache"
    render_template(environment(templates, cache), "README.md", {})
    (folder,) = cache.iterdir()
    assert jinja2.__version__ in folder.name and "Sandboxed" in folder.name
