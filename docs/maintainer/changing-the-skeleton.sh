#!/usr/bin/env bash
# The "changing the skeleton" walkthrough, runnable as it is: the getting-started
# ecosystem (quickstart.sh) with both sync branches merged and flask-world's own edits,
# then one template change (pytest-timeout for every project, pytest.ini retired) from
# the edit to the merged sync branches. Local git only: no token, no GitHub.
#
# Usage: bash docs/maintainer/changing-the-skeleton.sh [DIR]   (DIR: a new temporary folder)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
demo=${1:-$(mktemp -d "${TMPDIR:-/tmp}/eco-demo.XXXXXX")}
mkdir -p "$demo"
demo=$(cd "$demo" && pwd)
export ECO_WORKSPACE="$demo/workspace"
step() { printf '\n== %s\n' "$*"; }
commit() { git -c user.name=Maintainer -c user.email=m@example.org commit -q "$@"; }

step "0. The starting state: the getting-started ecosystem, both sync branches merged"
bash "$here/quickstart.sh" "$demo" > "$demo/quickstart.log" 2>&1
git -C "$demo/projects/flask-world" merge -q --no-edit eco/sync
# flask-world's own edits: a test dependency of its own, and a pytest.ini
cd "$demo/projects/flask-world"
sed -i 's/^pytest$/pytest\npytest-mock/' requirements/tests.in
printf '[pytest]\ntestpaths = tests\n' > pytest.ini
git add requirements/tests.in pytest.ini
commit -m "pytest-mock; pytest.ini"
cd "$demo/eco"
eco check -q > /dev/null

step "1. Edit templates/"
sed -i 's/^pytest$/pytest\npytest-timeout/' templates/skeleton/requirements/tests.in
cat >> templates/manifest.toml <<'TOML'

[[retired]]
path = "pytest.ini"
reason = """pytest is configured in pyproject.toml's [tool.pytest.ini_options]; a pytest.ini \
takes precedence and silently hides that configuration."""
TOML

step "2. See the drift: eco check (exit 1)"
status=0
eco check || status=$?
test "$status" -eq 1

step "3. Preview each pull request: eco sync --dry-run"
eco sync --dry-run

step "4. Commit (sync refuses uncommitted templates first)"
status=0
eco sync --push || status=$?
test "$status" -eq 2
git add templates
commit -m "skeleton: pytest-timeout; retire pytest.ini"

step "5. Roll it out: eco sync --push, twice"
eco sync --push
eco sync --push

step "6. Review and merge the sync branches"
git -C ../projects/flask-world log -1 --format=%B eco/sync
git -C ../projects/flask-world diff --stat main eco/sync
git -C ../projects/flask-hello merge -q --no-edit eco/sync
git -C ../projects/flask-world merge -q --no-edit eco/sync
eco check

printf '\nDone. The scratch ecosystem is in %s\n' "$demo"
