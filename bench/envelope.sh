#!/usr/bin/env bash
# The performance envelope (issue #7): builds the jar and the suite, then measures every RPC of
# the labeling workflow on SQLite and PostgreSQL beside this machine's limits. Markdown on stdout
# and in target/bench/envelope.md. Run it on a quiet machine: the figures are only as good as that.
# Usage: bench/envelope.sh [--sizes 1000,100000,1000000] [--labelers 1,8,32,128] [--seconds 10] [--help]
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q package -DskipTests
# The driver uses the tests' helpers (server processes, embedded PostgreSQL) and their dependencies.
./mvnw -B -q org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
java -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" dev.annotask.bench.EnvelopeBench "$@"
