/**
 * The benchmark suite: JMH microbenchmarks of the assignment and consensus code, and the load
 * driver that measures the real server jar against this machine's limits. Test code, so it
 * compiles with the tests; the full runs are manual (bench/README.md).
 */
package dev.annotask.bench;
