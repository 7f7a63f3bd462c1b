#!/usr/bin/env bash
# The examples of "How sync decides", runnable as they are: the getting-started
# ecosystem (quickstart.sh) with both sync branches merged, flask-hello's own
# pytest-mock, flask-world's leftover tox.ini; then two template changes, previewed,
# checked file by file and synced. Local git only: no token, no GitHub.
#
# Usage: bash docs/maintainer/sync.sh [DIR]   (DIR defaults to a new temporary folder)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
demo=${1:-$(mktemp -d "${TMPDIR:-/tmp}/eco-sync.XXXXXX")}
mkdir -p "$demo"
demo=$(cd "$demo" && pwd)
export ECO_WORKSPACE="$demo/workspace"
step() { printf '\n== %s\n' "$*"; }
commit() { git -c user.name=Maintainer -c user.email=m@example.org commit -q "$@"; }

step "0. The starting state: the getting-started ecosystem, both sync branches merged"
bash "$here/quickstart.sh" "$demo" > "$demo/quickstart.log" 2>&1
git -C "$demo/projects/flask-world" merge -q --no-edit eco/sync
cd "$demo/projects/flask-hello"
sed -i 's/^pytest$/pytest\npytest-mock/' requirements/tests.in
commit -am "pytest-mock"
cd "$demo/projects/flask-world"
printf '[tox]\nenvlist = py3\n' > tox.ini
git add tox.ini
commit -m "tox.ini, from before"
cd "$demo/eco"

step "1. A template change, file by file: eco check --by-file (exit 1)"
printf '\n[*.toml]\nindent_size = 4\n' >> templates/skeleton/.editorconfig
commit -qam "skeleton: four spaces in TOML"
status=0
eco check --by-file || status=$?
test "$status" -eq 1

step "2. A second change; what sync would do in flask-hello"
sed -i 's/^pytest$/pytest\npytest-xdist/' templates/skeleton/requirements/tests.in
commit -qam "skeleton: pytest-xdist"
eco sync --dry-run flask-hello

step "3. The sync commit's message"
eco sync -q flask-hello > /dev/null
git -C "$ECO_WORKSPACE/flask-hello" log -1 --format=%B eco/sync

printf '\nDone. The scratch ecosystem is in %s\n' "$demo"
