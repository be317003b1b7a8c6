#!/usr/bin/env bash
# Installs the Debian packages of the test services (chromium for the report's browser test,
# slurm-wlm and munge for the one-node cluster) in the background while `make test` compiles:
# on a fresh machine their download and unpacking took about as long as a build step. Only
# what is missing; the service scripts (Tests/e2e/report_browser_test.sh,
# Tests/slurm/cluster-up.sh) still check and install for themselves, waiting on dpkg's lock
# if this is still running, so a failure here only costs the time it saved.
#
#   Tests/prefetch-test-packages.sh    (the Makefile's `test` target starts it with &)
set -uo pipefail
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
LOCK=(-o DPkg::Lock::Timeout=300)

missing() { for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || echo "$p"; done; }

browser=$(missing chromium)
cluster=$(missing slurm-wlm munge)
[ -z "$browser$cluster" ] && { echo "prefetch: nothing to install"; exit 0; }
echo "prefetch: installing" $browser $cluster
$SUDO apt-get "${LOCK[@]}" update -qq
# the same flags as the scripts that would install them
[ -n "$browser" ] && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get "${LOCK[@]}" install -y -qq $browser
[ -n "$cluster" ] && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get "${LOCK[@]}" install -y -qq --no-install-recommends $cluster
echo "prefetch: done"
