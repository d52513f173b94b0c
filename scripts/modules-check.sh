#!/usr/bin/env bash
# Each module of the workspace builds on its own, as a user's clone or an
# outside plugin would build it: without go.work, its go.mod tidy and complete.
set -euo pipefail
for dir in "$@"; do
  name=${dir#"$PWD"/}; [ "$name" = "$PWD" ] && name=.
  if ! diff=$(cd "$dir" && GOWORK=off go mod tidy -diff 2>&1); then
    echo "$name: go.mod or go.sum is not tidy; run 'cd $name && GOWORK=off go mod tidy':" >&2
    echo "$diff" | head -30 >&2
    exit 1
  fi
  (cd "$dir" && GOWORK=off go build ./...) || { echo "$name: does not build on its own (GOWORK=off)" >&2; exit 1; }
done
echo "modules: $# build on their own and are tidy"
