#!/usr/bin/env bash
# The browser tests drive Debian's Chromium through Debian's ChromeDriver (the two come in matching versions).
# Run by the build before those tests: installs both when missing, so nothing downloads a browser at test time.
# Elsewhere, point CHROMIUM and CHROMEDRIVER at a Chromium (or Chrome) and its matching driver.
set -euo pipefail

CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
CHROMEDRIVER=${CHROMEDRIVER:-/usr/bin/chromedriver}
if [[ -x $CHROMIUM && -x $CHROMEDRIVER ]]; then
    exit 0
fi

help="Install Debian's chromium and chromium-driver (sudo apt-get install chromium chromium-driver), or set CHROMIUM and CHROMEDRIVER to a Chromium and its matching ChromeDriver."
if ! command -v apt-get > /dev/null; then
    echo "No $CHROMIUM or $CHROMEDRIVER for the browser tests, and no apt-get to install them. $help" >&2
    exit 1
fi
if [[ $(id -u) == 0 ]]; then
    as_root=()
elif sudo -n true 2> /dev/null; then
    as_root=(sudo -n)
else
    echo "No $CHROMIUM or $CHROMEDRIVER for the browser tests, and no root to install them. $help" >&2
    exit 1
fi
echo "Installing Debian's chromium and chromium-driver for the browser tests (once; a minute or two)..."
if ! { "${as_root[@]}" apt-get update -qq &&
        DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends \
            chromium chromium-driver; } > /tmp/ensure-chromium.log 2>&1; then
    tail -n 20 /tmp/ensure-chromium.log >&2
    echo "Installing chromium and chromium-driver failed (log above). $help" >&2
    exit 1
fi
echo "Installed: $("$CHROMEDRIVER" --version | cut -d' ' -f1-2) and its Chromium"
