#!/usr/bin/env bash
# Bulk ingest: PostInputs of 128 inputs per call from concurrent clients against the real jar, on
# SQLite and on PostgreSQL (embedded, with pg_stat_statements: the statements of each run are
# printed). To compare builds, pass several jars; they take turns (--alternations) in one run.
# Usage: bench/ingest.sh [--jars /tmp/base.jar,target/annotask.jar] [--calls 400] [--clients 8]
#                        [--batch 128] [--dataset] [--explain-after] [--help]
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f target/annotask.jar ] && [ -f target/test-classes/dev/annotask/bench/IngestBench.class ] || ./mvnw -B -q package -DskipTests
[ -f target/bench-classpath.txt ] || ./mvnw -B -q org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
java -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" dev.annotask.bench.IngestBench "$@"
