#!/usr/bin/env bash
# Start a single-node SLURM 22.05 (munge + slurmctld + slurmd) on Debian 12 without systemd,
# cgroups or slurmdbd, for the executor tests in tests/test_slurm.py.
#
# Installs nothing: .ci/run apt-installs `munge slurm-wlm`. Run as root. Idempotent: when
# partition `main` already reports an idle or busy node it exits 0 without touching anything.
# Exits non-zero with a message naming the failing step (and the daemon log to read).
#
#   tests/workflow/slurm/start_single_node_slurm.sh          # start (or confirm running)
#   tests/workflow/slurm/start_single_node_slurm.sh --stop   # stop the daemons this script starts
set -euo pipefail

PARTITION=main
SLURM_CONF=/etc/slurm/slurm.conf
SLURM_CONF_BACKUP=/etc/slurm/slurm.conf.before-nenprofile-tests
CONF_MARKER="# Written by nenprofile tests/workflow/slurm/start_single_node_slurm.sh"
LOG_DIR=/var/log/slurm

die() {
    echo "start_single_node_slurm: ERROR: $*" >&2
    exit 1
}

# pid of a live (not zombie) process with this exact name; empty when none
pid_of() { ps -C "$1" -o pid=,stat= 2>/dev/null | awk '$2 !~ /^Z/ {print $1; exit}' || true; }

stop_all() {
    local name pid
    for name in slurmd slurmctld munged; do
        pid=$(pid_of "$name")
        if [ -n "$pid" ]; then
            kill "$pid" && echo "stopped $name (pid $pid)"
            # wait up to 10 s for it to exit, so a caller can check nothing is left
            for _ in $(seq 50); do
                [ -z "$(pid_of "$name")" ] && break
                sleep 0.2
            done
        fi
    done
}

partition_ready() {
    # node state of partition main: idle, mix or alloc means jobs can run
    sinfo -h -p "$PARTITION" -o %t 2>/dev/null | grep -Eq '^(idle|mix|alloc)'
}

# Our slurm.conf must not outlive the daemons: with it in place but no slurmctld running,
# every `scontrol` (the SLURM executor plugin calls one whenever Snakemake starts) waits ~9 s
# for the dead controller. A config that was there before the tests is put back.
restore_conf() {
    if [ -f "$SLURM_CONF" ] && head -n 1 "$SLURM_CONF" | grep -qF "$CONF_MARKER"; then
        rm -f "$SLURM_CONF"
    fi
    if [ -f "$SLURM_CONF_BACKUP" ] && [ ! -e "$SLURM_CONF" ]; then
        mv "$SLURM_CONF_BACKUP" "$SLURM_CONF"
    fi
}

if [ "${1:-}" = "--stop" ]; then
    stop_all
    restore_conf
    exit 0
fi

[ "$(id -u)" -eq 0 ] || die "must run as root (munged, slurmctld and slurmd need it)"
for binary in /usr/sbin/munged /usr/sbin/slurmctld /usr/sbin/slurmd /usr/bin/sbatch /usr/bin/sinfo; do
    [ -x "$binary" ] || die "$binary not found; install it with: apt-get install munge slurm-wlm"
done
id slurm >/dev/null 2>&1 || die "user 'slurm' missing; reinstall slurm-wlm (its postinst creates it)"
id munge >/dev/null 2>&1 || die "user 'munge' missing; reinstall munge (its postinst creates it)"

if [ -n "$(pid_of slurmctld)" ] && partition_ready; then
    echo "SLURM already running:"
    sinfo
    exit 0
fi

NODE=$(hostname -s)
CPUS=$(nproc)
MEM_MB=$(($(awk '/MemTotal/{print $2}' /proc/meminfo) / 1024 - 512))

# munge: Debian's postinst normally creates the key; create one if it is missing.
if [ ! -s /etc/munge/munge.key ]; then
    mungekey --create --keyfile=/etc/munge/munge.key || die "could not create /etc/munge/munge.key"
fi
chown munge:munge /etc/munge/munge.key
chmod 400 /etc/munge/munge.key
install -d -o munge -g munge -m 0755 /run/munge
install -d -o slurm -g slurm /var/lib/slurm/slurmctld /var/lib/slurm/slurmd "$LOG_DIR"

if [ -f "$SLURM_CONF" ] && ! head -n 1 "$SLURM_CONF" | grep -qF "$CONF_MARKER"; then
    cp -p "$SLURM_CONF" "$SLURM_CONF_BACKUP"
fi
cat >"$SLURM_CONF" <<CONF
$CONF_MARKER: one node, no accounting.
ClusterName=local
SlurmctldHost=localhost
SlurmUser=slurm
AuthType=auth/munge
MpiDefault=none
MailProg=/bin/true
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
ReturnToService=2
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
StateSaveLocation=/var/lib/slurm/slurmctld
SlurmdSpoolDir=/var/lib/slurm/slurmd
SlurmctldLogFile=$LOG_DIR/slurmctld.log
SlurmdLogFile=$LOG_DIR/slurmd.log
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
# Without slurmdbd only squeue/scontrol know job states, and only for MinJobAge seconds after
# a job ends. The snakemake slurm plugin's squeue status mode needs
# MinJobAge >= 3 x --slurm-init-seconds-before-status-checks, else it falls back to sacct.
MinJobAge=300
NodeName=$NODE NodeAddr=127.0.0.1 CPUs=$CPUS RealMemory=$MEM_MB State=UNKNOWN
PartitionName=$PARTITION Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF

if [ -z "$(pid_of munged)" ]; then
    runuser -u munge -- /usr/sbin/munged || die "munged failed to start; see /var/log/munge/munged.log"
fi
munge -n >/dev/null 2>&1 || die "munge cannot create credentials; see /var/log/munge/munged.log"

if [ -n "$(pid_of slurmctld)" ]; then
    scontrol reconfigure || die "scontrol reconfigure failed; see $LOG_DIR/slurmctld.log"
else
    # -c: start from a clean state; jobs left by an unclean stop (a node stuck COMPLETING)
    # belong to no test run
    /usr/sbin/slurmctld -c || die "slurmctld failed to start; see $LOG_DIR/slurmctld.log"
fi
if [ -z "$(pid_of slurmd)" ]; then
    /usr/sbin/slurmd || die "slurmd failed to start; see $LOG_DIR/slurmd.log"
fi

for _ in $(seq 1 40); do
    partition_ready && break
    sleep 0.5
done
if ! partition_ready; then
    # a node left DOWN/DRAINED by an earlier unclean stop: bring it back once
    scontrol update NodeName="$NODE" State=RESUME >/dev/null 2>&1 || true
    sleep 1
fi
partition_ready || die "partition $PARTITION has no usable node after 20 s: $(sinfo -h 2>&1 || true);
see $LOG_DIR/slurmctld.log and $LOG_DIR/slurmd.log"
sinfo
