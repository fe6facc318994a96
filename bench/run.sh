#!/usr/bin/env bash
# Builds the server jar and runs the labeling load driver against it (SQLite).
# Usage: bench/run.sh [inputs=1000000] [labelers=32] [rounds=40]
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f target/annotask.jar ] || ./mvnw -B -q package -DskipTests
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(java -version 2>&1 | head -1)"
java -cp target/annotask.jar bench/LabelingBench.java "$@"
