#!/usr/bin/env bash
# Runs the JMH microbenchmarks (bench/java, compiled with the tests) on this machine.
# Usage: bench/jmh.sh                      the full suite with the settings below; JSON in target/bench/jmh.json
#        bench/jmh.sh REGEX...             only matching benchmarks, same settings, e.g. RendezvousBench.owns
#        bench/jmh.sh -OPTION... [REGEX]   your own JMH options instead (bench/jmh.sh -h lists them)
set -euo pipefail
cd "$(dirname "$0")/.."
# The annotation processor writes the harness and META-INF/BenchmarkList at test-compile.
list=target/test-classes/META-INF/BenchmarkList
if [ ! -f "$list" ] || [ -n "$(find pom.xml src/main bench/java -newer "$list" -print -quit)" ]; then
  ./mvnw -B -q test-compile
fi
# Built as bench/scaleout.sh builds it; rebuilt when the pom changed, since a list written
# before the pom gained JMH has no JMH on it.
if [ ! -f target/bench-classpath.txt ] || [ pom.xml -nt target/bench-classpath.txt ]; then
  ./mvnw -B -q org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
fi
# One fork, 3 x 2 s warm-up and 5 x 2 s measured per benchmark and parameter set: about 17 s each.
# A fixed, pre-touched heap: the default one grows with the allocation rate, and on this VM
# touching fresh heap pages stalled the allocation-bound ParsedSpecsBench.decodeOnly 10-70x for
# whole iterations; a fixed size also keeps results independent of the machine's RAM.
settings=(-f 1 -wi 3 -w 2s -i 5 -r 2s -foe true -jvmArgs "-Xms1g -Xmx1g -XX:+AlwaysPreTouch")
own_options=false
for arg in "$@"; do
  [[ $arg == -* ]] && own_options=true
done
if [ $# -eq 0 ]; then
  mkdir -p target/bench
  set -- "${settings[@]}" -rf json -rff target/bench/jmh.json
elif ! $own_options; then
  set -- "${settings[@]}" "$@"
fi
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(java -version 2>&1 | head -1), load average $(cut -d' ' -f1-3 /proc/loadavg)"
exec java -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" org.openjdk.jmh.Main "$@"
