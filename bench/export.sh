#!/usr/bin/env bash
# Dataset versions and exports at scale: seeds N image inputs with one final box each, then times
# PostDatasetVersions, the version's metrics, and a COCO and a JSONL export of it (request to
# SUCCESS) against the real jar with the server's 256 MiB heap, on SQLite and PostgreSQL.
# Markdown on stdout and in target/bench/export.md. Run it on a quiet machine.
# Usage: bench/export.sh [--inputs 1000000] [--databases sqlite,postgresql] [--formats COCO,JSONL] [--help]
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f target/annotask.jar ] && [ -f target/test-classes/dev/annotask/bench/ExportBench.class ] || ./mvnw -B -q package -DskipTests
[ -f target/bench-classpath.txt ] || ./mvnw -B -q org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
java -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" dev.annotask.bench.ExportBench "$@"
