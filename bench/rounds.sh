#!/usr/bin/env bash
# Labeling rounds per second of several builds side by side in one run: for each jar and each
# database (SQLite; embedded PostgreSQL, synchronous_commit on), the bare endpoint, labelers in a
# closed loop on a PARTITIONED task over seeded inputs, the same labelers at a human pace, and on
# PostgreSQL labeling right after an upload and again after ANALYZE. Builds this tree's jar and,
# with --baseline, a commit's jar (once, kept as target/bench/annotask-<commit>.jar), which goes
# first and is the base of the new/base column. Markdown on stdout and in target/bench/rounds.md.
# Run it on a quiet machine: the figures are only as good as that. BENCH_JAVA_OPTS passes options
# to the driver (e.g. -Dbench.slowPlansMs=5 logs slow PostgreSQL plans; see CountingPostgres).
# Usage: bench/rounds.sh [--baseline ac7dbbe] [--jars a.jar,b.jar] [--labelers 32] [--inputs 300000]
#                        [--upload 200000] [--seconds 20] [--think-ms 3000] [--out FILE] [--help]
set -euo pipefail
cd "$(dirname "$0")/.."
baseline=""
jars=""
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --baseline) baseline="$2"; shift 2 ;;
    --baseline=*) baseline="${1#*=}"; shift ;;
    --jars) jars="$2"; shift 2 ;;
    --jars=*) jars="${1#*=}"; shift ;;
    *) args+=("$1"); shift ;;
  esac
done
./mvnw -B -q -o package -DskipTests
# The driver uses the tests' helpers (server processes, embedded PostgreSQL) and their dependencies.
[ -f target/bench-classpath.txt ] || ./mvnw -B -q -o org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
if [ -n "$baseline" ]; then
  commit=$(git rev-parse --short=12 "$baseline^{commit}")
  base_jar="target/bench/annotask-$commit.jar"
  if [ ! -f "$base_jar" ]; then
    # The commit's tree exported to a temporary directory (no worktree to register or clean up).
    build=$(mktemp -d /tmp/annotask-baseline.XXXXXX)
    trap 'rm -rf "$build"' EXIT
    echo "building $commit's jar in $build" >&2
    git archive "$commit" | tar -x -C "$build"
    (cd "$build" && ./mvnw -B -q -o package -Dmaven.test.skip=true)
    mkdir -p target/bench
    cp "$build/target/annotask.jar" "$base_jar"
  fi
  jars="$base_jar,${jars:-target/annotask.jar}"
fi
if [ -n "$jars" ]; then
  args=(--jars "$jars" "${args[@]}")
fi
# The JDK's HTTP client hands each asynchronous answer to the common pool; with 1 thread (2 cores)
# CompletableFuture would start a thread per answer instead.
java -Djava.util.concurrent.ForkJoinPool.common.parallelism=2 ${BENCH_JAVA_OPTS:-} \
  -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" dev.annotask.bench.RoundsBench "${args[@]}"
