#!/usr/bin/env bash
# Installs what the tests need beyond Go modules: a C compiler (cgo: the core's SQLite
# and the race detector) and Debian's Chromium for the browser tests.
set -euo pipefail
if ! command -v gcc >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing gcc for cgo"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc libc6-dev >/dev/null
  else
    echo "the build needs a C compiler for cgo: sudo apt-get install gcc" >&2
    exit 1
  fi
fi
if command -v chromium >/dev/null 2>&1 || [ -n "${UPWARDS_CHROME:-}" ]; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing chromium for the browser tests"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
else
  echo "the browser tests need Chromium: sudo apt-get install chromium (or set UPWARDS_CHROME to a Chrome binary)" >&2
  exit 1
fi
