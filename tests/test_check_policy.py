"""The workflow policy `eco check` applies: one example per rule, and a clean workflow."""

from __future__ import annotations

from eco.sync.policy import check_workflow
from eco.sync.policy import check_workflows

SHA = "11bd71901bbe5b1630ceea73d27597364c9af683"

CLEAN_CALLER = f"""\
name: publish
on:
  push:
    tags: ["*"]
permissions: {{}}
jobs:
  build:
    uses: pallets-eco/eco/.github/workflows/build.yaml@{SHA} # main
  publish-pypi:
    needs: [build]
    environment:
      name: publish
      url: https://pypi.org/project/demo/
    permissions:
      id-token: write
    runs-on: ubuntu-latest
    steps:
      - uses: actions/download-artifact@{SHA} # v4.1.8
      - uses: pypa/gh-action-pypi-publish@{SHA} # v1.12.4
      - uses: ./.github/actions/local
      - uses: docker://alpine@sha256:{"0" * 64}
"""


def rules(text: str) -> list[tuple[int, str]]:
    return [(f.line, f.rule) for f in check_workflow("w.yaml", text)]


def test_a_clean_caller_has_no_findings() -> None:
    assert check_workflow("publish.yaml", CLEAN_CALLER) == []


def test_unpinned_actions_are_found_with_their_line() -> None:
    text = CLEAN_CALLER.replace(f"download-artifact@{SHA}", "download-artifact@v4").replace(
        f"alpine@sha256:{'0' * 64}", "alpine:3"
    )
    text = text.replace(f"build.yaml@{SHA}", "build.yaml@main")
    assert rules(text) == [(8, "unpinned-action"), (18, "unpinned-action"), (21, "unpinned-action")]


def test_missing_top_level_permissions() -> None:
    assert rules(CLEAN_CALLER.replace("permissions: {}\n", "")) == [(1, "missing-permissions")]


def test_id_token_at_the_top_or_outside_the_upload_job() -> None:
    top = CLEAN_CALLER.replace("permissions: {}\n", "permissions:\n  id-token: write\n")
    assert rules(top) == [(5, "id-token-outside-upload")]
    job = CLEAN_CALLER.replace(
        "  build:\n", "  build:\n    permissions:\n      id-token: write\n"
    ).replace("    uses: pallets-eco", "    runs-on: ubuntu-latest\n    uses: pallets-eco")
    findings = check_workflow("w.yaml", job)
    assert [(f.line, f.rule) for f in findings] == [(7, "id-token-outside-upload")]
    assert "job 'build'" in findings[0].message


def test_upload_in_a_reusable_workflow_and_without_environment() -> None:
    text = CLEAN_CALLER.replace('on:\n  push:\n    tags: ["*"]\n', "on:\n  workflow_call:\n")
    text = text.replace(
        "    environment:\n      name: publish\n      url: https://pypi.org/project/demo/\n", ""
    )
    assert rules(text) == [
        (8, "publish-in-reusable-workflow"),
        (8, "upload-without-environment"),
    ]


def test_invalid_yaml_and_many_files_sorted() -> None:
    findings = check_workflows({"b.yaml": "on: [push\n", "a.yaml": "on: push\njobs: {}\n"})
    assert [(f.path, f.rule) for f in findings] == [
        ("a.yaml", "missing-permissions"),
        ("b.yaml", "invalid-yaml"),
    ]


TOKEN_UPLOAD = f"""\
name: release
on: push
permissions: {{}}
jobs:
  upload:
    runs-on: ubuntu-latest
    environment: publish
    env:
      TWINE_USERNAME: __token__
    steps:
      - uses: actions/checkout@{SHA} # v4.2.2
      - run: |
          python -m build
          python -m twine upload dist/*
        env:
          TWINE_PASSWORD: ${{{{ secrets.PYPI_API_TOKEN }}}}
  action:
    runs-on: ubuntu-latest
    environment: publish
    steps:
      - uses: pypa/gh-action-pypi-publish@{SHA} # v1.12.4
        with:
          password: ${{{{ secrets.PYPI_TOKEN }}}}
  check:
    runs-on: ubuntu-latest
    steps:
      - run: twine check dist/* && echo "twine upload happens elsewhere"
"""


def test_an_upload_with_a_token_secret_is_found_as_zizmor_finds_it() -> None:
    findings = check_workflow("w.yaml", TOKEN_UPLOAD)
    assert [(f.line, f.rule) for f in findings] == [
        (14, "upload-with-token"),
        (23, "upload-with-token"),
    ]
    assert "`twine upload` and the secret PYPI_API_TOKEN" in findings[0].message
    assert "trusted publishing" in findings[0].message
    assert "the secret PYPI_TOKEN" in findings[1].message


def test_other_publish_commands_and_a_secret_in_the_script_itself() -> None:
    text = TOKEN_UPLOAD.replace(
        "python -m twine upload dist/*", "uv publish --token ${{ secrets.UV_TOKEN }}"
    )
    text = text.replace(
        "        env:\n          TWINE_PASSWORD: ${{ secrets.PYPI_API_TOKEN }}\n", ""
    )
    findings = check_workflow("w.yaml", text)
    assert [(f.line, f.rule) for f in findings][0] == (14, "upload-with-token")
    assert "`uv publish` and the secret UV_TOKEN" in findings[0].message


def test_trusted_publishing_and_an_upload_without_a_secret_are_not_flagged() -> None:
    assert check_workflow("publish.yaml", CLEAN_CALLER) == []
    no_secret = TOKEN_UPLOAD.replace("${{ secrets.PYPI_API_TOKEN }}", "dummy").replace(
        "password: ${{ secrets.PYPI_TOKEN }}", "repository-url: https://test.pypi.org/legacy/"
    )
    assert check_workflow("w.yaml", no_secret) == []
