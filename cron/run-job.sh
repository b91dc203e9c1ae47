#!/bin/sh
# Runs one Vigie job as cron (or `vigie up`'s scheduler) starts it:  cron/run-job.sh JOB [ARGS...]
#   - works from the project directory, whatever the caller's working directory;
#   - loads var/vigie.env (MONGODB_URI, VIGIE_HOME, ...) when present;
#   - takes a per-job lock with `flock -n`: if the same job (same JOB and ARGS) is still running,
#     this run is skipped, logged as event=job_skipped, and exits 0 (the next scheduled run catches up);
#   - appends the job's output, each line prefixed with a UTC timestamp, to $VIGIE_HOME/logs/NAME.log
#     (NAME is JOB and ARGS joined with '-', e.g. fetch-usgs);
#   - exits with the job's exit status (0 ok, 3 network, 4 payload, 5 database; see DESIGN.md §3).
# The vigie binary is $VIGIE_BIN, else .build/release/vigie, .build/debug/vigie, else vigie on PATH.
set -u

if [ $# -lt 1 ]; then
    echo "usage: cron/run-job.sh JOB [ARGS...]" >&2
    exit 2
fi

project=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd) || exit 1
cd "$project" || exit 1

if [ -f var/vigie.env ]; then
    set -a
    . ./var/vigie.env
    set +a
fi

home=${VIGIE_HOME:-var}
name=$(printf '%s' "$*" | tr -c 'A-Za-z0-9_.' '-')
mkdir -p "$home/logs" "$home/locks" || exit 1
log="$home/logs/$name.log"
lock="$home/locks/$name.lock"

stamp() {
    while IFS= read -r line; do
        printf '%s job=%s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$name" "$line"
    done
}

if [ -n "${VIGIE_BIN:-}" ]; then
    vigie=$VIGIE_BIN
elif [ -x .build/release/vigie ]; then
    vigie=.build/release/vigie
elif [ -x .build/debug/vigie ]; then
    vigie=.build/debug/vigie
elif command -v vigie >/dev/null 2>&1; then
    vigie=vigie
else
    echo "event=job_failed reason=\"no vigie binary: build it (swift build) or set VIGIE_BIN\"" | stamp >>"$log"
    exit 1
fi

# The lock is held on descriptor 9 for as long as this script and the job run.
exec 9>"$lock"
if ! flock -n 9; then
    echo "event=job_skipped reason=\"previous run still running\" lock=$lock" | stamp >>"$log"
    exit 0
fi

status_file=$(mktemp "${TMPDIR:-/tmp}/vigie-job.XXXXXX") || exit 1
echo "event=job_start pid=$$ command=\"$vigie $*\"" | stamp >>"$log"
{
    "$vigie" "$@" 2>&1
    echo $? >"$status_file"
} | stamp >>"$log"
status=$(cat "$status_file" 2>/dev/null)
rm -f "$status_file"
status=${status:-1}
echo "event=job_end status=$status" | stamp >>"$log"
exit "$status"
