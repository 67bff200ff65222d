#!/usr/bin/env bash
# Runs the benchmarks with targets (B1 to B7, then the console's typeahead in the browser) one
# after the other, each in a JVM of its own, and gathers their results into one file: each
# benchmark's own section, then every line that states a target as met or not, in one list at
# the top.
#
#   benchmarks/run-all.sh                 # the record: 1,000,000 users (hours; on a quiet machine)
#   USERS=20000 benchmarks/run-all.sh     # a quicker look at the same figures
#   ONLY=commands benchmarks/run-all.sh   # one of: search, memory, commands, history, lag, typeahead
#
# Writes benchmarks/RESULTS.md (override with RESULTS=...), and each benchmark's file beside it
# in target/benchmark-run/.
set -euo pipefail
cd "$(dirname "$0")/.."

USERS=${USERS:-1000000}
CREATES=${CREATES:-100000}
RESULTS=${RESULTS:-benchmarks/RESULTS.md}
ONLY=${ONLY:-}
PARTS=$(pwd)/target/benchmark-run
mkdir -p "$PARTS"

run() { # name, test class, properties...
  local name=$1 class=$2
  shift 2
  [[ -n "$ONLY" && "$ONLY" != "$name" ]] && return 0
  echo "== $name: $class $*" >&2
  nice -n 10 mvn -o -B -q -pl standalone -am test -Dtest="$class" -Dsurefire.failIfNoSpecifiedTests=false \
    -Dbenchmark.results="$PARTS/$name.md" "$@" >"$PARTS/$name.log" 2>&1 \
    || { echo "$name failed: see $PARTS/$name.log" >&2; echo "# $name: FAILED (see its log)" >"$PARTS/$name.md"; }
}

started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
run search SearchRebuildReportsBenchmark -Dbenchmark.users="$USERS" -Dbenchmark.terms=1000 \
  -Dbenchmark.searchBudgetSeconds=1800
# the memory target: the same at a 1 GiB heap, without B4's baseline (it folds every user in this JVM)
run memory SearchRebuildReportsBenchmark -Dbenchmark.users="$USERS" -Dbenchmark.terms=1000 \
  -Dbenchmark.searchBudgetSeconds=300 -Dtest.jvm.args=-Xmx1g -Dbenchmark.rebuildBaseline=false
run commands CommandBenchmark -Dbenchmark.warmup=6000 -Dbenchmark.creates="$CREATES" -Dbenchmark.usersPerSize=100
run history HistoryBenchmark
run lag LagBenchmark -Dbenchmark.rate=500 -Dbenchmark.seconds=60
run typeahead ConsoleTypeaheadBenchmark -Dbenchmark.users="$USERS"

{
  echo "# Benchmark results"
  echo
  echo "- started: $started, ended: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "- command: \`USERS=$USERS CREATES=$CREATES${ONLY:+ ONLY=$ONLY} benchmarks/run-all.sh\`"
  echo "- commit: $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (with uncommitted changes)')"
  echo "- machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%d GiB", $2/1048576}' /proc/meminfo), $(uname -sr)," \
       "load average at the end $(cut -d' ' -f1-3 /proc/loadavg); $(java -version 2>&1 | head -1)"
  echo
  echo "## Every target, met or not"
  echo
  for part in "$PARTS"/*.md; do
    grep -h -E '\| *(met|NOT met)|: (NOT )?met|FAILED|^Memory: ' "$part" | sed "s|^|- $(basename "$part" .md): |" || true
  done
  for part in "$PARTS"/*.md; do
    echo
    sed -e 's/^## /### /' -e 's/^# /## /' "$part"
  done
} >"$RESULTS"
echo "results: $RESULTS" >&2
