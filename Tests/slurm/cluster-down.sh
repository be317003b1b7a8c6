#!/usr/bin/env bash
# Stops the test cluster that cluster-up.sh started: slurmctld, slurmd and munged. Idempotent.
set -uo pipefail
RUN_DIR=/run/slurm-sweep
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
say() { echo "cluster-down: $*" >&2; }

if ! grep -qF "# written by sweep Tests/slurm/cluster-up.sh" /etc/slurm/slurm.conf 2>/dev/null; then
  say "no test cluster configured here; nothing to stop"
  exit 0
fi
timeout 5 scontrol ping >/dev/null 2>&1 && { timeout 20 scontrol shutdown >/dev/null 2>&1 || true; }
stop_pidfile() {
  local f=$1 pid
  [ -f "$f" ] || return 0
  pid=$(cat "$f")
  if kill -0 "$pid" 2>/dev/null; then
    $SUDO kill "$pid" 2>/dev/null
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && $SUDO kill -9 "$pid" 2>/dev/null
  fi
  $SUDO rm -f "$f"
}
stop_pidfile "$RUN_DIR/slurmctld.pid"
stop_pidfile "$RUN_DIR/slurmd.pid"
stop_pidfile /run/munge/munged.pid
say "stopped"
