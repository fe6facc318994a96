#!/usr/bin/env bash
# The whole benchmark suite in one command: the JMH microbenchmarks, then the envelope run
# (every RPC on SQLite and PostgreSQL beside this machine's limits). About 45 minutes; run it
# on a quiet machine. Results: target/bench/jmh.json, target/bench/envelope.md (and stdout).
# Usage: bench/suite.sh [envelope options, e.g. --sizes 1000,100000 --seconds 5]
set -euo pipefail
cd "$(dirname "$0")/.."
bench/jmh.sh
bench/envelope.sh --server-jvm-options "-Xmx256m" "$@"
