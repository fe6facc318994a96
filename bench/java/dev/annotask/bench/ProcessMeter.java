package dev.annotask.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * CPU and memory of the processes in a run, from Linux's /proc: the server JVM, PostgreSQL's
 * processes (all processes named {@code postgres}: the embedded server is the only one on a
 * benchmark machine), and the load generator itself. CPU is reported in cores (CPU seconds per
 * second of the span), so 2.0 is the whole of a 2-core machine.
 */
final class ProcessMeter {
    /** Linux's USER_HZ, the unit of utime and stime in /proc/[pid]/stat, fixed at 100 on every mainstream build. */
    private static final double TICKS_PER_SECOND = 100.0;

    private final long serverPid;

    /** CPU time of each party at one moment. */
    record Snapshot(long wallNanos, double serverCpu, double databaseCpu, double driverCpu) {
    }

    /** What a span used. RSS is the server's at the end of the span, peak its highest during it. */
    record Usage(double serverCores, double databaseCores, double driverCores, long rssMiB, long peakRssMiB) {
    }

    ProcessMeter(long serverPid) {
        this.serverPid = serverPid;
    }

    Snapshot snapshot() {
        return new Snapshot(System.nanoTime(), cpuSeconds(serverPid), postgresCpuSeconds(), driverCpuSeconds());
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
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            // Fields after the command name, which sits in parentheses and may hold spaces.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
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
