#!/usr/bin/env bash
# Installs what the tests need beyond Go modules: a C compiler (cgo: the core's SQLite
# and the race detector), Debian's Chromium for the browser tests, and axe-core (from npm,
# into bin/tools/npm) which the browser tests inject to check every page they open
# against WCAG 2.2 A and AA (core/browsertest).
set -euo pipefail
cd "$(dirname "$0")/.."
AXE_VERSION=4.14.1
AXE_DIR=bin/tools/npm

# need WHY HINT PACKAGE...: installs Debian packages as root, else says HINT and fails.
need() {
  local why=$1 hint=$2
  shift 2
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing $* $why"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  else
    echo "$hint" >&2
    exit 1
  fi
}

command -v gcc >/dev/null 2>&1 ||
  need "for cgo" "the build needs a C compiler for cgo: sudo apt-get install gcc" gcc libc6-dev
command -v chromium >/dev/null 2>&1 || [ -n "${UPWARDS_CHROME:-}" ] ||
  need "for the browser tests" "the browser tests need Chromium: sudo apt-get install chromium (or set UPWARDS_CHROME to a Chrome binary)" chromium

# axe-core, pinned; installed again only when missing or of another version.
axe_pkg="$AXE_DIR/node_modules/axe-core/package.json"
if [ -f "$axe_pkg" ] && grep -q "\"version\": \"$AXE_VERSION\"" "$axe_pkg"; then
  exit 0
fi
command -v npm >/dev/null 2>&1 ||
  need "to fetch axe-core" "the browser tests need axe-core from npm: sudo apt-get install npm, then rerun scripts/ensure-test-deps.sh" npm
echo "installing axe-core $AXE_VERSION into $AXE_DIR for the browser tests"
mkdir -p "$AXE_DIR"
npm install --prefix "$AXE_DIR" --no-audit --no-fund --loglevel=error "axe-core@$AXE_VERSION" >/dev/null
test -f "$AXE_DIR/node_modules/axe-core/axe.min.js"
