#!/usr/bin/env bash
# Starts a one-node Slurm cluster on this machine for the tests (slurmctld and slurmd as root,
# munged as munge), installing Debian's slurm-wlm and munge when they are missing. Idempotent:
# when the cluster already answers, it only checks it. Stop it with cluster-down.sh.
#
#   Tests/slurm/cluster-up.sh          # start (or check) the cluster; exits non-zero if it cannot
#
# Final job states: no slurmdbd. JobCompType=jobcomp/filetxt records every finished job in
# $LOG_DIR/jobcomp.txt, which `sacct --completion` reads (plain `sacct` needs slurmdbd); the
# controller also remembers finished jobs for MinJobAge seconds (`squeue -t all`, `scontrol show job`).
set -euo pipefail

CONF=/etc/slurm/slurm.conf
MARK="# written by sweep Tests/slurm/cluster-up.sh"
STATE_DIR=/var/spool/slurmctld-sweep
SPOOL_DIR=/var/spool/slurmd-sweep
LOG_DIR=/var/log/slurm-sweep
RUN_DIR=/run/slurm-sweep
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo

say() { echo "cluster-up: $*" >&2; }

# 1. Packages (only what is missing).
missing=""
for p in slurm-wlm munge; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then
  say "installing:$missing"
  $SUDO apt-get -o DPkg::Lock::Timeout=300 update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends $missing >/dev/null
fi

node=$(hostname -s)
cluster_answers() {
  timeout 10 sinfo -h -N -n "$node" -o '%T' 2>/dev/null | grep -Eq '^(idle|mixed|allocated|completing)'
}

# 2. munge: a key, its socket directory, the daemon.
if [ ! -s /etc/munge/munge.key ]; then
  say "creating the munge key"
  $SUDO mungekey --create --keyfile=/etc/munge/munge.key
  $SUDO chown munge:munge /etc/munge/munge.key
  $SUDO chmod 0400 /etc/munge/munge.key
fi
$SUDO mkdir -p /run/munge /var/lib/munge /var/log/munge
$SUDO chown munge:munge /run/munge /var/lib/munge /var/log/munge
$SUDO chmod 0755 /run/munge
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  say "starting munged"
  $SUDO rm -f /run/munge/munged.pid
  $SUDO runuser -u munge -- /usr/sbin/munged
  for _ in $(seq 50); do munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && break; sleep 0.1; done
  munge -n | unmunge >/dev/null || { say "munged does not answer"; exit 1; }
fi

# 3. slurm.conf: this machine as the one node, its CPUs and memory.
cpus=$(nproc)
mem_mb=$(awk '/^MemTotal:/ { printf "%d", $2 / 1024 * 0.9 }' /proc/meminfo)
if [ -f "$CONF" ] && ! grep -qF "$MARK" "$CONF"; then
  say "$CONF exists and was not written by this script; refusing to replace it"
  exit 1
fi
conf=$(cat <<CONF
$MARK
ClusterName=sweeptest
SlurmctldHost=$node
SlurmUser=root
SlurmdUser=root
SlurmctldPort=6817
SlurmdPort=6818
AuthType=auth/munge
CredType=cred/munge
StateSaveLocation=$STATE_DIR
SlurmdSpoolDir=$SPOOL_DIR
SlurmctldPidFile=$RUN_DIR/slurmctld.pid
SlurmdPidFile=$RUN_DIR/slurmd.pid
SlurmctldLogFile=$LOG_DIR/slurmctld.log
SlurmdLogFile=$LOG_DIR/slurmd.log
ProctrackType=proctrack/pgid
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
SlurmdParameters=config_overrides
ReturnToService=2
MpiDefault=none
KillWait=2
MinJobAge=300
InactiveLimit=0
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$LOG_DIR/jobcomp.txt
NodeName=$node CPUs=$cpus RealMemory=$mem_mb State=UNKNOWN
PartitionName=debug Nodes=$node Default=YES MaxTime=INFINITE State=UP
CONF
)
if [ -f "$CONF" ] && [ "$(cat "$CONF")" = "$conf" ] && cluster_answers; then
  say "already running: node $node, $cpus CPUs, $mem_mb MB"
else
  # (Re)start both daemons with this configuration and a clean state.
  if [ -f "$CONF" ] && timeout 5 scontrol ping >/dev/null 2>&1; then timeout 20 scontrol shutdown >/dev/null 2>&1 || true; fi
  for f in "$RUN_DIR/slurmctld.pid" "$RUN_DIR/slurmd.pid"; do
    if [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null; then $SUDO kill "$(cat "$f")" || true; fi
  done
  for _ in $(seq 100); do
    pgrep -x slurmctld >/dev/null || pgrep -x slurmd >/dev/null || break
    sleep 0.1
  done
  $SUDO mkdir -p /etc/slurm "$STATE_DIR" "$SPOOL_DIR" "$LOG_DIR" "$RUN_DIR"
  $SUDO rm -rf "${STATE_DIR:?}"/* "${SPOOL_DIR:?}"/*
  printf '%s\n' "$conf" | $SUDO tee "$CONF" >/dev/null
  say "starting slurmctld and slurmd (node $node, $cpus CPUs, $mem_mb MB)"
  $SUDO /usr/sbin/slurmctld -i
  $SUDO /usr/sbin/slurmd
fi

# 4. Wait for the node to be idle and a job step to run.
for i in $(seq 120); do
  state=$(timeout 10 sinfo -h -N -n "$node" -o '%T' 2>/dev/null || true)
  case "$state" in
    idle*|mixed*|allocated*) break ;;
    down*|drain*|fail*) timeout 10 scontrol update nodename="$node" state=resume >/dev/null 2>&1 || true ;;
  esac
  sleep 0.5
  if [ "$i" = 120 ]; then say "node $node is not idle (state '$state'); see $LOG_DIR"; exit 1; fi
done
out=$(timeout 60 srun -N1 -n1 hostname 2>&1) || { say "srun hostname failed: $out"; exit 1; }
say "ready: node $node idle, srun ran on $out"
