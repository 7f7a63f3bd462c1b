"""The local package index the lock tests (and others) resolve against."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.package_index import make_wheel
from tests.package_index import PackageIndex

pytestmark = pytest.mark.slow


def test_wheel_is_valid(tmp_path: Path) -> None:
    wheel = make_wheel(tmp_path, "Idx_Valid", "1.0", ["idx-dep>=2", 'idx-extra; extra == "x"'])
    assert wheel.name == "idx_valid-1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as archive:
        metadata = archive.read("idx_valid-1.0.dist-info/METADATA").decode()
        assert archive.testzip() is None
    assert "Requires-Dist: idx-dep>=2" in metadata
    assert "Provides-Extra: x" in metadata
    # The same inputs give the same bytes.
    again = make_wheel(
        tmp_path / "again", "Idx_Valid", "1.0", ["idx-dep>=2", 'idx-extra; extra == "x"']
    )
    assert again.read_bytes() == wheel.read_bytes()


def test_pip_and_uv_install_from_the_index(package_index: PackageIndex, tmp_path: Path) -> None:
    package_index.add("idx-app", "1.0", ["idx-lib>=2"])
    package_index.add("idx-lib", "1.0")
    package_index.add("idx-lib", "2.0")
    assert package_index.versions("idx-lib") == ["1.0", "2.0"]
    env = package_index.env()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--target",
            str(tmp_path / "pip"),
            "idx-app",
        ],
        env=env,
        check=True,
        capture_output=True,
    )
    assert (tmp_path / "pip" / "idx_lib-2.0.dist-info").is_dir()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "uv",
            "pip",
            "install",
            "--quiet",
            "--no-cache",
            "--target",
            str(tmp_path / "uv"),
            "idx-app",
        ],
        env=env,
        check=True,
        capture_output=True,
    )
    assert (tmp_path / "uv" / "idx_lib-2.0.dist-info").is_dir()


def test_twine_upload(package_index: PackageIndex, tmp_path: Path) -> None:
    wheel = make_wheel(tmp_path, "idx-uploaded", "0.1")
    package_index.upload(wheel)
    assert package_index.versions("idx-uploaded") == ["0.1"]
    assert (package_index.folder / wheel.name).read_bytes() == wheel.read_bytes()
