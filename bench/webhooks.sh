#!/usr/bin/env bash
# Webhooks: (a) events delivered per second to a receiver in the load generator's JVM, from 1 and
# from several subscriptions, on SQLite and on PostgreSQL (embedded, synchronous_commit on, fsync
# on); (b) closed-loop labeling rounds per second in an app without subscriptions and in one
# subscribed to every event type, taking turns on the same server: what a subscription adds.
# Markdown on stdout and in target/bench/webhooks.md. Run it on a quiet machine.
# Usage: bench/webhooks.sh [--seconds 10] [--warm-up-seconds 5] [--subscriptions 1,4] [--backlog 5000]
#                          [--labelers 16] [--inputs 30000] [--alternations 2] [--databases sqlite,postgresql]
#                          [--jar target/annotask.jar] [--out FILE] [--help]
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f target/annotask.jar ] && [ -f target/test-classes/dev/annotask/bench/WebhooksBench.class ] \
  || ./mvnw -B -q -o package -DskipTests
# The driver uses the tests' helpers (server processes, embedded PostgreSQL) and their dependencies.
[ -f target/bench-classpath.txt ] || ./mvnw -B -q -o org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
# The JDK's HTTP client hands each asynchronous answer to the common pool; with 1 thread (2 cores)
# CompletableFuture would start a thread per answer instead.
java -Djava.util.concurrent.ForkJoinPool.common.parallelism=2 ${BENCH_JAVA_OPTS:-} \
  -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" dev.annotask.bench.WebhooksBench "$@"
