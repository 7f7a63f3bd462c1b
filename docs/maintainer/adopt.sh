#!/usr/bin/env bash
# The "adding a project" walkthrough, runnable as it is: a scratch ecosystem, an existing
# extension that eco has never seen (MIT licence, README.rst, the uv generation, a redis
# service in CI, single-page docs, v-prefixed tags), then `eco add` -> preview -> adopt
# -> review. Everything is local git: no token, no GitHub, no network.
#
# Step N prints `== N.` first: the output docs/maintainer/adding-a-project.md shows under
# its step N (step 6: its registry section) is what the script prints there, which
# tests/test_adopt_walkthrough.py checks.
#
# Usage: bash docs/maintainer/adopt.sh [DIR]   (DIR defaults to a new temporary folder)
set -euo pipefail

monorepo=$(cd "$(dirname "$0")/../.." && pwd)
demo=${1:-$(mktemp -d "${TMPDIR:-/tmp}/eco-adopt.XXXXXX")}
mkdir -p "$demo"
demo=$(cd "$demo" && pwd)
export ECO_WORKSPACE="$demo/workspace"
step() { printf '\n== %s\n' "$*"; }
commit() { git -c user.name=Maintainer -c user.email=m@example.org commit -q "$@"; }

step "0. A scratch ecosystem (this monorepo's skeleton, no projects yet) and an extension eco has never seen"
mkdir -p "$demo/eco"
cp -R "$monorepo/templates" "$demo/eco/templates"
cat > "$demo/eco/projects.toml" <<'TOML'
[ecosystem]
name = "scratch"
org = "scratch-org"
repo = "scratch-org/eco"
workflows-ref = "0000000000000000000000000000000000000000"

[ecosystem.python]
supported = ["3.10", "3.11", "3.12", "3.13"]

[defaults]
maintainer_name = "Scratch"
maintainer_email = "maintainers@example.org"
license = "BSD-3-Clause"
copyright = "Scratch"
donate_url = "https://example.org/donate"
chat_url = "https://example.org/chat"
docs_format = "md"
TOML
cd "$demo/eco"
git init -q -b main
git add -A
commit -m "scratch ecosystem"

# flask-greeter: an existing extension, with its own history and conventions
work="$demo/seed/flask-greeter"
mkdir -p "$work/src/flask_greeter" "$work/tests" "$work/docs" "$work/.github/workflows"
cat > "$work/pyproject.toml" <<'TOML'
[project]
name = "Flask-Greeter"
version = "2.1.0"
description = "Greets the users of a Flask application."
readme = "README.rst"
license = "MIT"
license-files = ["LICENSE.txt"]
authors = [{ name = "Original Author" }]
classifiers = [
    "Development Status :: 5 - Production/Stable",
    "Framework :: Flask",
    "Typing :: Typed",
]
requires-python = ">=3.11"
dependencies = ["flask>=3.0"]

[dependency-groups]
tests = ["pytest", "redis>=5"]

[build-system]
requires = ["flit_core>=3.11,<4"]
build-backend = "flit_core.buildapi"

[tool.flit.module]
name = "flask_greeter"

[tool.tox.env_run_base]
dependency_groups = ["tests"]
commands = [["pytest"]]
TOML
cat > "$work/LICENSE.txt" <<'TEXT'
MIT License

Copyright (c) 2021 Original Author

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
TEXT
printf 'Flask-Greeter\n=============\n\nGreets the users of a Flask application.\n' > "$work/README.rst"
printf 'Version 2.1.0\n-------------\n\nReleased 2025-03-01\n\n-   Greet in French.\n' > "$work/CHANGES.rst"
printf '__pycache__/\ndist/\n.venv/\n' > "$work/.gitignore"
printf '"""Greets the users of a Flask application."""\n\n\ndef greet(name: str) -> str:\n    return f"Hello, {name}!"\n' > "$work/src/flask_greeter/__init__.py"
: > "$work/src/flask_greeter/py.typed"
printf 'from flask_greeter import greet\n\n\ndef test_greet() -> None:\n    assert greet("you") == "Hello, you!"\n' > "$work/tests/test_greet.py"
printf 'project = "Flask-Greeter"\n' > "$work/docs/conf.py"
printf 'Flask-Greeter\n=============\n\nOne page: call ``greet(name)``.\n' > "$work/docs/index.rst"
cat > "$work/.github/workflows/tests.yaml" <<'YAML'
name: Tests
on: [push, pull_request]
jobs:
  tests:
    runs-on: ubuntu-latest
    services:
      redis:
        image: redis:7-alpine
        ports:
          - 6379:6379
    steps:
      - uses: actions/checkout@v4
      - uses: astral-sh/setup-uv@v6
      - run: uv run --group tests pytest
YAML
cd "$work"
git init -q -b main
git add -A
commit -m "Release version 2.1.0"
git tag -a v2.1.0 -m "release version 2.1.0"
git clone -q --bare "$work" "$demo/projects/flask-greeter.git"
cd "$demo/eco"
git -C "$demo/projects/flask-greeter.git" log --oneline

step "1. eco add: the facts eco reads, as the entry it writes (--dry-run first)"
eco add flask-greeter --url "$demo/projects/flask-greeter.git" --dry-run
eco add flask-greeter --url "$demo/projects/flask-greeter.git"
git add projects.toml
commit -m "registry: add flask-greeter"
# refused, exit 2, nothing written: a name already registered, a repository out of reach
for args in "flask-greeter --url $demo/projects/flask-greeter.git" \
    "flask-other --url $demo/projects/missing.git"; do
    status=0
    eco add $args 2>&1 || status=$?
    test "$status" -eq 2
done
git diff --exit-code projects.toml

step "2. eco check: how far the project is, and whether its entry is right"
status=0
eco check flask-greeter || status=$?
test "$status" -eq 1 # drift
# an entry whose licence is not the licence text: an error for that project
sed -i.orig 's/^vars = {license = "MIT", /vars = {/' projects.toml
status=0
eco check flask-greeter || status=$?
test "$status" -eq 2
mv projects.toml.orig projects.toml

step "3. Preview the adoption: eco sync --adopt --dry-run (writes nothing)"
eco sync --adopt --dry-run flask-greeter > "$demo/preview.txt"
sed -n '/^--- /q;p' "$demo/preview.txt"
sed -n '/^--- a\/pyproject.toml/,/^$/p' "$demo/preview.txt" | sed '$d' # the skeleton's tables added, the project's keys kept
tail -n 4 "$demo/preview.txt"

step "4. Adopt: the sync branch, committed and pushed to the project's remote"
eco sync --adopt --push flask-greeter

step "5. Review the branch as a pull request, merge it"
remote="$demo/projects/flask-greeter.git"
git -C "$remote" diff --stat main eco/sync | tail -n 1
git -C "$remote" show eco/sync:LICENSE.txt | head -n 1
git -C "$remote" show eco/sync:CHANGES.rst | head -n 1
git -C "$remote" log -1 --format=%B eco/sync
# the maintainer merges the pull request (here: a fast-forward of main)
git -C "$remote" push -q . eco/sync:main
eco check flask-greeter
eco sync --adopt --dry-run flask-greeter

step "6. The registry refuses a bad entry: one line, exit 2, nothing touched"
for change in 's/^changelog = /changlog = /' \
    's/^docs-layout = "single"$/&\nskip = { ".readthedocs.yaml" = "" }/'; do
    sed -i.orig "$change" projects.toml
    status=0
    eco check flask-greeter 2>&1 || status=$?
    test "$status" -eq 2
    mv projects.toml.orig projects.toml
done
git diff --exit-code projects.toml

printf '\nDone. The scratch ecosystem is in %s\n' "$demo"
