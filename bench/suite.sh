#!/usr/bin/env bash
# The whole benchmark suite in one command: the JMH microbenchmarks (shorter iterations than
# bench/jmh.sh's own defaults: 2 x 1 s warm-up, 3 x 1 s measured), then the envelope run (every
# RPC on SQLite and PostgreSQL beside this machine's limits; server heap 256 MiB, as
# docs/DEPLOYMENT.md recommends). About 22 minutes; run it on a quiet machine.
# Results: target/bench/jmh.json and target/bench/envelope.md (and stdout).
# Usage: bench/suite.sh [envelope options, e.g. --sizes 1000,100000 --seconds 5]
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p target/bench
bench/jmh.sh -f 1 -wi 2 -w 1s -i 3 -r 1s -foe true -jvmArgs "-Xms1g -Xmx1g -XX:+AlwaysPreTouch" \
  -rf json -rff target/bench/jmh.json
bench/envelope.sh --server-jvm-options "-Xmx256m" "$@"
