#!/bin/sh
# Prints the core's version for `make build` (-ldflags … core/app.Version=…):
# a semantic version always, so that plugins' min_core_version is checked.
#   tagged commit v0.4.0         → 0.4.0
#   any other commit             → <BaseVersion>-dev+<short hash>   (0.4.0-dev+e5918c5)
#   uncommitted changes          → ….dirty appended to the build part (0.4.0-dev+e5918c5.dirty, 0.4.0+dirty)
#   no git (a source tarball)    → <BaseVersion>-dev
# BaseVersion is read from core/app/app.go.
set -eu
cd "$(dirname "$0")/.."
base=$(sed -n 's/^const BaseVersion = "\([^"]*\)"$/\1/p' core/app/app.go)
if [ -z "$base" ]; then
	echo "scripts/version.sh: no const BaseVersion in core/app/app.go" >&2
	exit 1
fi
if ! hash=$(git rev-parse --short HEAD 2>/dev/null); then
	echo "$base-dev"
	exit 0
fi
dirty=""
if ! git diff --quiet HEAD -- 2>/dev/null; then
	dirty="dirty"
fi
if tag=$(git describe --tags --exact-match --match 'v[0-9]*' HEAD 2>/dev/null); then
	echo "${tag#v}${dirty:++$dirty}"
	exit 0
fi
echo "$base-dev+$hash${dirty:+.$dirty}"
