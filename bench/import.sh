#!/usr/bin/env bash
# Imports: a COCO ZIP of small images with boxes, uploaded and imported against the real jar on
# SQLite and on PostgreSQL (embedded), then imported again (nothing new), beside PostInputs of the
# same images: inputs/s and annotations/s (docs/BENCHMARKS.md).
# Usage: bench/import.sh [--images 20000] [--boxes 4] [--databases sqlite,postgresql] [--help]
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f target/annotask.jar ] && [ -f target/test-classes/dev/annotask/bench/ImportBench.class ] || ./mvnw -B -q package -DskipTests
[ -f target/bench-classpath.txt ] || ./mvnw -B -q org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
java -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" dev.annotask.bench.ImportBench "$@"
