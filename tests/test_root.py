"""Root discovery: walk up to projects.toml, --root overrides, a clear error outside."""

from __future__ import annotations

from pathlib import Path

import pytest

from eco.errors import NotInEcosystemError
from eco.root import find_root
from tests.helpers import REGISTRY_HEAD
from tests.helpers import run_eco


@pytest.fixture
def ecosystem(tmp_path: Path) -> Path:
    root = tmp_path / "eco"
    (root / "docs" / "deep" / "er").mkdir(parents=True)
    (root / "projects.toml").write_text(REGISTRY_HEAD)
    return root


def test_found_from_subfolder(ecosystem: Path) -> None:
    assert find_root(ecosystem / "docs" / "deep" / "er") == ecosystem
    result = run_eco("list", "--format", "json", cwd=ecosystem / "docs" / "deep")
    assert result.returncode == 0, result.stderr
    assert '"name": "scratch"' in result.stdout


def test_root_option_overrides(ecosystem: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert find_root(elsewhere, override=ecosystem) == ecosystem
    result = run_eco("--root", str(ecosystem), "list", cwd=elsewhere)
    assert result.returncode == 0, result.stderr


def test_root_option_without_registry(tmp_path: Path) -> None:
    with pytest.raises(NotInEcosystemError, match="no projects.toml there"):
        find_root(override=tmp_path)
    result = run_eco("--root", str(tmp_path), "list", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("error: --root")


def test_outside_any_ecosystem(tmp_path: Path) -> None:
    lonely = tmp_path / "lonely"
    lonely.mkdir()
    result = run_eco("list", cwd=lonely)
    assert result.returncode == 2
    assert "not inside an eco ecosystem" in result.stderr
    assert "Traceback" not in result.stderr
