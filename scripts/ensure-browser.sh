#!/usr/bin/env bash
# Make sure Debian's Chromium is where the browser tests launch it ($CHROMIUM, default /usr/bin/chromium).
# Present: nothing to do. Missing and running as root: install Debian's `chromium` with apt-get.
# Missing otherwise: print the one command that installs it and fail (make stops before the tests).
set -euo pipefail
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
INSTALL="DEBIAN_FRONTEND=noninteractive apt-get update && apt-get install -y chromium"

if [ -x "$CHROMIUM" ]; then
  echo "browser: $CHROMIUM found"
  exit 0
fi
if [ "$(id -u)" != "0" ]; then
  echo "browser: $CHROMIUM is missing; the browser tests need it. Install it as root: sudo sh -c '$INSTALL'" >&2
  exit 1
fi
echo "browser: $CHROMIUM is missing: installing Debian's chromium ($INSTALL)"
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y chromium
if [ ! -x "$CHROMIUM" ]; then
  echo "browser: apt-get installed chromium but $CHROMIUM is still missing" >&2
  exit 1
fi
echo "browser: installed $CHROMIUM"
