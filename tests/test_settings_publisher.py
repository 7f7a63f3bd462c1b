"""``eco settings publisher``: the trusted-publisher checklist, verified from a real
release's provenance on a local PEP 740 index (the files ``tests/test_verify.py`` uses)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.helpers import make_ecosystem
from tests.helpers import run_eco
from tests.test_verify import offline_env  # noqa: F401 (fixture)
from tests.test_verify import provenance_file  # noqa: F401 (fixture)
from tests.test_verify import real_sdist  # noqa: F401 (fixture)
from tests.test_verify import SDIST
from tests.test_verify import SDIST_SHA256
from tests.test_verify import serve

pytestmark = pytest.mark.slow

PROJECTS = """
[projects.pypi-attestations]
repo = "trailofbits/pypi-attestations"
vars = {{ publish_workflow = "release.yml", publish_environment = "{environment}" }}

[projects.newcomer]
repo = "pallets-eco/flask-newcomer"
"""


def index(tmp_path: Path, sdist: Path, provenance: Path) -> Path:
    served = tmp_path / "index"
    (served / "simple" / "pypi-attestations").mkdir(parents=True)
    (served / "files").mkdir()
    shutil.copyfile(sdist, served / "files" / SDIST)
    shutil.copyfile(provenance, served / "files" / f"{SDIST}.provenance")
    (served / "simple" / "pypi-attestations" / "index.html").write_text(
        f'<html><body><a href="../../files/{SDIST}#sha256={SDIST_SHA256}" '
        f'data-provenance="../../files/{SDIST}.provenance">{SDIST}</a></body></html>\n'
    )
    return served


@pytest.mark.parametrize(
    ("environment", "state", "code"),
    [("", "verified", 0), ("publish", "not verified", 1)],
)
def test_checklist_values_and_verification(
    real_sdist: Path,  # noqa: F811
    provenance_file: Path,  # noqa: F811
    offline_env: dict[str, str],  # noqa: F811
    tmp_path: Path,
    environment: str,
    state: str,
    code: int,
) -> None:
    served = index(tmp_path, real_sdist, provenance_file)
    eco = make_ecosystem(tmp_path, PROJECTS.format(environment=environment), copy=())
    with serve(served) as url:
        args = ("settings", "publisher", "--offline", "--index-url", f"{url}/simple")
        result = run_eco(*args, "--format", "json", cwd=eco.root, env=offline_env)
        text = run_eco(*args, cwd=eco.root, env=offline_env)
    assert result.returncode == code, result.stderr
    data = json.loads(result.stdout)
    assert data["version"] == 1
    released = data["projects"]["pypi-attestations"]
    assert released["state"] == state
    assert (released["owner"], released["repository"], released["workflow"]) == (
        "trailofbits",
        "pypi-attestations",
        "release.yml",
    )
    if state == "not verified":
        assert "environment: expected publish, the publisher's is (none)" in released["detail"]
    newcomer = data["projects"]["newcomer"]
    assert newcomer == {
        "pypi": "newcomer",
        "owner": "pallets-eco",
        "repository": "flask-newcomer",
        "workflow": "publish.yaml",
        "environment": "publish",
        "state": "not on the index",
        "detail": f"{url}/simple",
        "form": "https://pypi.org/manage/account/publishing/",
    }
    assert "  workflow:     publish.yaml" in text.stdout
    assert "  environment:  publish" in text.stdout
