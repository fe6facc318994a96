package dev.annotask.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * CPU and memory of the processes in a run, from Linux's /proc: the server JVM, PostgreSQL's
 * processes, and the load generator itself. PostgreSQL is one server's postmaster and its
 * children when its process id is known (children that exited included: the kernel adds their
 * time to their parent's), else every process named {@code postgres} on the machine. CPU is
 * reported in cores (CPU seconds per second of the span), so 2.0 is the whole of a 2-core machine.
 */
final class ProcessMeter {
    /** Linux's USER_HZ, the unit of utime and stime in /proc/[pid]/stat, fixed at 100 on every mainstream build. */
    private static final double TICKS_PER_SECOND = 100.0;

    private final long serverPid;
    private final long postmasterPid;

    /** CPU time of each party at one moment. */
    record Snapshot(long wallNanos, double serverCpu, double databaseCpu, double driverCpu) {
    }

    /** What a span used. RSS is the server's at the end of the span, peak its highest during it. */
    record Usage(double serverCores, double databaseCores, double driverCores, long rssMiB, long peakRssMiB) {
    }

    ProcessMeter(long serverPid) {
        this(serverPid, 0);
    }

    /** @param postmasterPid the PostgreSQL server whose processes count, or 0 for every process named postgres */
    ProcessMeter(long serverPid, long postmasterPid) {
        this.serverPid = serverPid;
        this.postmasterPid = postmasterPid;
    }

    /** The machine a run measures on, and how busy it was before: the first line of every report. */
    static String machine() throws IOException {
        String memory;
        try {
            memory = Files.readAllLines(Path.of("/proc/meminfo")).get(0).replaceAll("\\D", "").transform(
                    kib -> Long.parseLong(kib) / 1024 / 1024 + " GiB RAM");
        } catch (IOException | RuntimeException e) {
            memory = "unknown RAM";
        }
        return String.format(java.util.Locale.ROOT, "Machine: %d cores, %s, %s %s; load average before the run %s.",
                Runtime.getRuntime().availableProcessors(), memory, System.getProperty("java.vm.name"),
                System.getProperty("java.version"), Files.readString(Path.of("/proc/loadavg")).trim());
    }

    Snapshot snapshot() {
        double database = postmasterPid > 0 ? postmasterCpuSeconds() : postgresCpuSeconds();
        return new Snapshot(System.nanoTime(), cpuSeconds(serverPid), database, driverCpuSeconds());
    }

    /**
     * Starts a span: resets the kernel's peak-RSS mark of the server (writing 5 to clear_refs)
     * so the peak read at the end is the span's own.
     */
    Snapshot begin() {
        try {
            Files.writeString(Path.of("/proc/" + serverPid + "/clear_refs"), "5");
        } catch (IOException e) {
            // Not permitted here: the peak then covers the server's whole life, still an upper bound.
        }
        return snapshot();
    }

    Usage since(Snapshot start) {
        Snapshot end = snapshot();
        double seconds = (end.wallNanos() - start.wallNanos()) / 1e9;
        return new Usage((end.serverCpu() - start.serverCpu()) / seconds,
                (end.databaseCpu() - start.databaseCpu()) / seconds,
                (end.driverCpu() - start.driverCpu()) / seconds,
                statusKiB("VmRSS:") / 1024, statusKiB("VmHWM:") / 1024);
    }

    private long statusKiB(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + serverPid + "/status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }

    /** utime + stime of one process; 0 once it is gone. */
    private static double cpuSeconds(long pid) {
        return cpuSeconds(pid, false);
    }

    /** The same, with the time of its exited and reaped children (cutime + cstime) if asked. */
    private static double cpuSeconds(long pid, boolean withExitedChildren) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            // Fields after the command name, which sits in parentheses and may hold spaces.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            if (withExitedChildren) {
                ticks += Long.parseLong(fields[13]) + Long.parseLong(fields[14]);
            }
            return ticks / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** The postmaster, its live children (backends, writers, autovacuum), and those that exited. */
    private double postmasterCpuSeconds() {
        return cpuSeconds(postmasterPid, true) + ProcessHandle.of(postmasterPid).stream()
                .flatMap(ProcessHandle::children).mapToDouble(child -> cpuSeconds(child.pid())).sum();
    }

    private static double postgresCpuSeconds() {
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            return processes.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .filter(ProcessMeter::isPostgres)
                    .mapToDouble(p -> cpuSeconds(Long.parseLong(p.getFileName().toString())))
                    .sum();
        } catch (IOException e) {
            return 0;
        }
    }

    private static boolean isPostgres(Path process) {
        try {
            return Files.readString(process.resolve("comm")).trim().equals("postgres");
        } catch (IOException e) {
            return false;
        }
    }

    private static double driverCpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1e9;
    }
}
