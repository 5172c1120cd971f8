#!/usr/bin/env bash
# Serves the decks of slides/ with Go's present tool on loopback:
#   slides/serve.sh            then open http://127.0.0.1:3999/slides/
#   PRESENT_ADDR=127.0.0.1:4000 slides/serve.sh
# The first run installs present through the Go module proxy (go install);
# after that everything works offline: present embeds its own scripts and
# styles, and the decks quote the chapters' code from this repository.
set -euo pipefail

cd "$(dirname "$0")"
addr=${PRESENT_ADDR:-127.0.0.1:3999}
host=${addr%:*}

say() { printf 'slides: %s\n' "$*" >&2; }

command -v go >/dev/null 2>&1 || { say "Go is not installed: see https://go.dev/doc/install"; exit 1; }

bin=$(go env GOBIN)
[ -n "$bin" ] || bin="$(go env GOPATH | cut -d: -f1)/bin"
present="$bin/present"
if [ ! -x "$present" ]; then
	# The version in slides/go.mod, the one the slides test parses the decks with.
	version=$(go list -m -f '{{.Version}}' golang.org/x/tools)
	say "installing golang.org/x/tools/cmd/present@$version"
	GOWORK=off go install "golang.org/x/tools/cmd/present@$version"
fi

# present's own folder index carries the Go website's menu and footer,
# links that are dead without a network. -base replaces present's templates
# and static files as a whole, so the base is present's own, from the module
# cache, with our dir.tmpl (present/templates/) over theirs.
tools=$(go list -m -f '{{.Dir}}' golang.org/x/tools)
base=${TMPDIR:-/tmp}/wswalk-present-base
rm -rf "$base" && mkdir -p "$base"
cp -r "$tools/cmd/present/static" "$tools/cmd/present/templates" "$base/"
chmod -R u+w "$base"
cp present/templates/dir.tmpl "$base/templates/dir.tmpl"

say "serving the decks at http://$addr/slides/ (Ctrl-C stops); no page links off this machine, so it works offline"
# The content root is the repository, not slides/: the decks show figures
# the chapters produce (../05-gorilla-chat/compare/compare.svg), and the
# browser can only fetch what lies under the root.
# -play=false: nothing on the slides runs code; -notes=false: no presenter
# notes window; loopback only, and the origin the browser will use.
exec "$present" -http "$addr" -orighost "$host" -content .. -base "$base" -notes=false -play=false
