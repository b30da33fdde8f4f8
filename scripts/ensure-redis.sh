#!/usr/bin/env bash
# The Redis tests of demo-core start their own redis-server (on a free port, no persistence) for each test class.
# Run by the build before those tests: installs Debian's redis-server when missing, so nothing downloads at test time.
# Elsewhere, put a redis-server (6 or later) on PATH, or point REDIS_SERVER at one.
# The tests never use a system Redis: when the package's install starts the system service, this stops and
# disables it, so nothing listens on 6379 that a test or a demo could reach by mistake.
set -euo pipefail

REDIS_SERVER=${REDIS_SERVER:-redis-server}
if command -v "$REDIS_SERVER" > /dev/null; then
    exit 0
fi

help="Install Debian's redis-server (sudo apt-get install redis-server), or set REDIS_SERVER to a redis-server binary."
if ! command -v apt-get > /dev/null; then
    echo "No $REDIS_SERVER for the Redis tests, and no apt-get to install it. $help" >&2
    exit 1
fi
if [[ $(id -u) == 0 ]]; then
    as_root=()
elif command -v sudo > /dev/null && sudo -n true 2> /dev/null; then
    as_root=(sudo -n)
else
    echo "No $REDIS_SERVER for the Redis tests, and no root to install it. $help" >&2
    exit 1
fi
echo "Installing Debian's redis-server for the Redis tests (once)..."
# policy-rc.d answering 101 keeps dpkg from starting the service during the install (where there is an init at all).
policy=/usr/sbin/policy-rc.d
added_policy=false
if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' | "${as_root[@]}" tee "$policy" > /dev/null
    "${as_root[@]}" chmod +x "$policy"
    added_policy=true
fi
status=0
{ "${as_root[@]}" apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends redis-server; } \
    > /tmp/ensure-redis.log 2>&1 || status=$?
if $added_policy; then
    "${as_root[@]}" rm -f "$policy"
fi
if [[ $status != 0 ]]; then
    tail -n 20 /tmp/ensure-redis.log >&2
    echo "Installing redis-server failed (log above). $help" >&2
    exit 1
fi
# Belt and braces: should a service have started anyway, stop it and keep it from starting at boot.
if command -v systemctl > /dev/null && systemctl is-system-running > /dev/null 2>&1; then
    "${as_root[@]}" systemctl disable --now redis-server > /dev/null 2>&1 || true
elif command -v service > /dev/null; then
    "${as_root[@]}" service redis-server stop > /dev/null 2>&1 || true
fi
echo "Installed: $("$REDIS_SERVER" --version | cut -d' ' -f1-3)"
