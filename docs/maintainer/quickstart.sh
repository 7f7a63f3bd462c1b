#!/usr/bin/env bash
# The getting-started walkthrough, runnable as it is: a scratch ecosystem with two
# extensions made by `eco init`, then `eco check` and `eco sync` across both, a template
# change rolled out as a sync branch in each, one merged, and a dry-run release.
# Everything is local git: no token, no GitHub. The one use of the network is step 9,
# which asks the package index (PyPI) whether the version is already published; offline
# it says it could not check and goes on.
#
# Usage: bash docs/maintainer/quickstart.sh [DIR]   (DIR defaults to a new temporary folder)
set -euo pipefail

monorepo=$(cd "$(dirname "$0")/../.." && pwd)
demo=${1:-$(mktemp -d "${TMPDIR:-/tmp}/eco-quickstart.XXXXXX")}
mkdir -p "$demo"
demo=$(cd "$demo" && pwd)
export ECO_WORKSPACE="$demo/workspace"
step() { printf '\n== %s\n' "$*"; }

step "1. A scratch ecosystem: this monorepo's skeleton and a registry with no projects yet"
mkdir -p "$demo/eco"
cp -R "$monorepo/templates" "$demo/eco/templates"
# the central label definitions and CPython's release dates (eco labels, eco python)
cp "$monorepo/labels.toml" "$monorepo/python-releases.toml" "$demo/eco/"
cat > "$demo/eco/projects.toml" <<'TOML'
[ecosystem]
name = "scratch"
org = "scratch-org"
repo = "scratch-org/eco"
workflows-ref = "0000000000000000000000000000000000000000"

[ecosystem.python]
supported = ["3.11", "3.12", "3.13"]

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
git -c user.name=Maintainer -c user.email=m@example.org commit -q -m "scratch ecosystem"

step "2. Two new extensions, registered in projects.toml"
eco init flask-hello --path "$demo/projects/flask-hello" --register
eco init flask-world --path "$demo/projects/flask-world" --register
git add projects.toml
git -c user.name=Maintainer -c user.email=m@example.org commit -q -m "register two projects"
eco list

step "3. Every project matches the skeleton: eco check exits 0"
eco check

step "4. A template change: one more rule in the skeleton's .editorconfig"
printf '\n[Makefile]\nindent_style = tab\n' >> templates/skeleton/.editorconfig
git -c user.name=Maintainer -c user.email=m@example.org commit -q -am "skeleton: tabs in Makefiles"

step "5. eco check now reports drift (exit 1): both projects are behind the template"
status=0
eco check || status=$?
test "$status" -eq 1

step "6. What a sync would do, without writing anything"
eco sync --dry-run

step "7. Sync: one commit on the eco/sync branch of each project, pushed to its remote"
eco sync --push

step "8. The sync branch in flask-hello, ready to review and merge"
git -C "$demo/projects/flask-hello" log --oneline -1 eco/sync
git -C "$demo/projects/flask-hello" diff --stat main eco/sync
git -C "$demo/projects/flask-hello" merge -q --no-edit eco/sync
eco check flask-hello

step "9. A release, rehearsed: eco release --dry-run shows every step and changes nothing"
eco release flask-hello --dry-run

printf '\nDone. The scratch ecosystem is in %s\n' "$demo"
