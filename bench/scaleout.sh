#!/usr/bin/env bash
# Builds the server jar and measures LABEL_START/LABEL_SUBMIT with one and with two nodes on
# one PostgreSQL (embedded, or the server named by ANNOTASK_TEST_PG_URL, an admin URL).
# Usage: bench/scaleout.sh [inputs=200000] [labelers=32] [rounds=20] [think-ms=0] [PARTITIONED|DYNAMIC]
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f target/annotask.jar ] && [ -f target/test-classes/dev/annotask/bench/ScaleOutBench.class ] || ./mvnw -B -q package -DskipTests
# The load driver uses the tests' helpers (server processes, embedded PostgreSQL) and their dependencies.
[ -f target/bench-classpath.txt ] || ./mvnw -B -q org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(java -version 2>&1 | head -1), load average $(cut -d' ' -f1-3 /proc/loadavg)"
java -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" dev.annotask.bench.ScaleOutBench "$@"
