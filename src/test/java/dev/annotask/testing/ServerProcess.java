package dev.annotask.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The built jar ({@code target/annotask.jar}) serving in a JVM of its own, as an operator runs
 * it: for integration tests that run several nodes or kill one. Its output is drained in the
 * background, the last lines kept for failure messages. Thread-safe.
 */
public final class ServerProcess implements AutoCloseable {
    private static final Pattern STARTED = Pattern.compile("serving HTTP on [^:]+:(\\d+)");
    private static final int KEPT_LINES = 200;
    private static final List<String> DEFAULT_JVM_OPTIONS = List.of("-Xmx512m");
    private static final Path JAR = Path.of("target", "annotask.jar");

    private final Process process;
    private final Deque<String> recent = new ArrayDeque<>();
    private int port;

    private ServerProcess(Process process) {
        this.process = process;
    }

    /** Launches every node at once (they start together, as after a deploy), then waits for each. */
    public static List<ServerProcess> startAll(int count, String... serveArgs) {
        List<ServerProcess> nodes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            nodes.add(launch(DEFAULT_JVM_OPTIONS, serveArgs));
        }
        nodes.forEach(ServerProcess::awaitStarted);
        return nodes;
    }

    public static ServerProcess start(String... serveArgs) {
        return startWithJvmOptions(DEFAULT_JVM_OPTIONS, serveArgs);
    }

    /** One node whose JVM gets these options instead of the default heap limit (benchmarks). */
    public static ServerProcess startWithJvmOptions(List<String> jvmOptions, String... serveArgs) {
        return startJar(JAR, jvmOptions, serveArgs);
    }

    /** One node of another build's jar (benchmarks comparing a baseline with this build). */
    public static ServerProcess startJar(Path jar, List<String> jvmOptions, String... serveArgs) {
        ServerProcess node = launch(jar, jvmOptions, Map.of(), serveArgs);
        node.awaitStarted();
        return node;
    }

    /**
     * One node run exactly as the README runs it: {@code MALLOC_ARENA_MAX=2 java -Xmx256m -jar …}
     * (docs/DEPLOYMENT.md, "Memory", says why both), for tests of what the documented
     * configuration holds.
     */
    public static ServerProcess startAsDocumented(String... serveArgs) {
        ServerProcess node = launch(JAR, List.of("-Xmx256m"), Map.of("MALLOC_ARENA_MAX", "2"), serveArgs);
        node.awaitStarted();
        return node;
    }

    private static ServerProcess launch(List<String> jvmOptions, String... serveArgs) {
        return launch(JAR, jvmOptions, Map.of(), serveArgs);
    }

    private static ServerProcess launch(Path jar, List<String> jvmOptions, Map<String, String> environment,
                                        String... serveArgs) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString(), "serve", "--port", "0", "--grpc-port", "0",
                "--host", "127.0.0.1"));
        command.addAll(List.of(serveArgs));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith("ANNOTASK_"));
        builder.environment().putAll(environment);
        try {
            return new ServerProcess(builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads output until the start line, then leaves the rest to a daemon thread. */
    private void awaitStarted() {
        BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        try {
            for (String line = output.readLine(); line != null; line = output.readLine()) {
                keep(line);
                Matcher started = STARTED.matcher(line);
                if (started.find()) {
                    port = Integer.parseInt(started.group(1));
                    Thread drain = new Thread(() -> drain(output), "server-output-" + process.pid());
                    drain.setDaemon(true);
                    drain.start();
                    return;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new AssertionError("the server exited before starting: " + recentOutput());
    }

    private void drain(BufferedReader output) {
        try {
            output.lines().forEach(this::keep);
        } catch (UncheckedIOException e) {
            // The process is gone and its output closed: nothing more to keep.
        }
    }

    private void keep(String line) {
        synchronized (recent) {
            recent.addLast(line);
            if (recent.size() > KEPT_LINES) {
                recent.removeFirst();
            }
        }
    }

    public int port() {
        return port;
    }

    /** The server JVM's process id (benchmarks read its CPU time and memory from /proc). */
    public long pid() {
        return process.pid();
    }

    public ApiClient client() {
        return new ApiClient(port);
    }

    /** The last lines the server printed. */
    public String recentOutput() {
        synchronized (recent) {
            return String.join("\n", recent);
        }
    }

    /** SIGKILL, as {@code kill -9}: no shutdown hook runs, requests in flight are cut off. */
    public void kill() {
        process.destroyForcibly();
        awaitExit();
    }

    /** SIGTERM, the orderly stop; SIGKILL if that takes too long. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            if (!awaitExit()) {
                kill();
            }
        }
    }

    private boolean awaitExit() {
        try {
            return process.waitFor(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
