package dev.annotask.bench;

import dev.annotask.store.SqlDialect;
import dev.annotask.testing.ServerProcess;
import dev.annotask.testing.TestDatabases;
import dev.annotask.testing.TestImages;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Imports: a COCO ZIP of {@code --images} small PNGs with {@code --boxes} boxes each, uploaded
 * (PostUploads, PutUploadContentParts of 4 MiB) and imported (PostImports, then GetImport every
 * 100 ms until DONE) against the real server jar, on SQLite and on PostgreSQL, each on a fresh
 * database; then the same file again (the idempotent re-import: checked, nothing written). Beside
 * it, for the ingest path an import is meant to keep pace with, the same images posted by one
 * client with PostInputs (128 per call, base64) into another app. Each server first imports the
 * file once into an app of its own, unmeasured, so its code is compiled. bench/import.sh runs it.
 */
@Command(name = "import", mixinStandardHelpOptions = true, description = "Measures imports.")
public final class ImportBench implements Callable<Integer> {
    static final String ADMIN_TOKEN = "bench-import-admin-token-7c1e";
    private static final Pattern STATE = Pattern.compile("\"state\":(\\d+)");

    @Option(names = "--databases", split = ",", description = "sqlite, postgresql (default: both)")
    List<String> databases = List.of("sqlite", "postgresql");

    @Option(names = "--jar", description = "server jar (default: target/annotask.jar)")
    Path jar = Path.of("target", "annotask.jar");

    @Option(names = "--images", description = "images in the file (default: 20000)")
    int images = 20_000;

    @Option(names = "--boxes", description = "boxes per image (default: 4)")
    int boxes = 4;

    @Option(names = "--server-jvm-options", description = "options for the server JVM, space separated (default: -Xmx256m)")
    String serverJvmOptions = "-Xmx256m";

    @Option(names = "--output", description = "Markdown besides stdout (default: target/bench/import.md)")
    Path output = Path.of("target", "bench", "import.md");

    private final StringBuilder out = new StringBuilder();
    private final List<String> phases = new ArrayList<>();
    private CountingPostgres postgres;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ImportBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Path zip = cocoZip();
        line(String.format(Locale.ROOT, "Machine: %d cores, %s %s; load average before the run %s.",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
                System.getProperty("java.version"), Files.readString(Path.of("/proc/loadavg")).trim()));
        line(String.format(Locale.ROOT, "File: COCO ZIP of %,d PNGs with %,d boxes each, %,d bytes. Server %s.%n",
                images, boxes, Files.size(zip), serverJvmOptions));
        line("| database | step | seconds | inputs/s | annotations/s |");
        line("|---|---|---|---|---|");
        try {
            for (String database : databases) {
                run(database.equalsIgnoreCase("postgresql") ? SqlDialect.POSTGRESQL : SqlDialect.SQLITE, zip);
            }
        } finally {
            if (postgres != null) {
                postgres.close();
            }
            Files.deleteIfExists(zip);
        }
        line("");
        line("The server's own account of each import (its log):");
        phases.forEach(p -> line("- " + p));
        Files.createDirectories(output.toAbsolutePath().getParent());
        Files.writeString(output, out.toString());
        return 0;
    }

    /** The server's last "read in … checked … written in …" log line: where an import's time went. */
    private static String phases(ServerProcess server) {
        List<String> lines = server.recentOutput().lines().filter(l -> l.contains(" written in ")).toList();
        if (lines.isEmpty()) {
            return "(not logged)";
        }
        String last = lines.get(lines.size() - 1);
        return last.substring(Math.max(0, last.indexOf("inputs,") - 12)).trim();
    }

    private void run(SqlDialect dialect, Path zip) throws Exception {
        Path data = TestDatabases.tempDirectory();
        List<String> args = new ArrayList<>(List.of("--data", data.toString(), "--admin-token", ADMIN_TOKEN));
        if (dialect == SqlDialect.POSTGRESQL) {
            if (postgres == null) {
                postgres = new CountingPostgres("import", true, false);
            }
            args.addAll(List.of("--db", postgres.newDatabase()));
        }
        String name = dialect == SqlDialect.POSTGRESQL ? "PostgreSQL" : "SQLite";
        try (ServerProcess server = ServerProcess.startJar(jar, List.of(serverJvmOptions.trim().split("\\s+")),
                args.toArray(String[]::new))) {
            BenchHttp http = new BenchHttp(server.port());
            http.call("POST", "/v2/users/me/apps", ADMIN_TOKEN,
                    "{\"apps\":[{\"id\":\"imports\"},{\"id\":\"ingest\"},{\"id\":\"warm\"}]}");
            // Unmeasured: the same file into another app first, so the server's code is compiled.
            String warm = "/v2/users/me/apps/warm";
            http.call("POST", warm + "/imports", ADMIN_TOKEN, "{\"imports\":[{\"id\":\"w\",\"upload_id\":\""
                    + upload(http, warm, zip) + "\",\"format\":\"COCO\"}]}");
            awaitDone(http, warm + "/imports/w");
            String app = "/v2/users/me/apps/imports";
            long started = System.nanoTime();
            String upload = upload(http, app, zip);
            double uploadSeconds = seconds(started);
            line(String.format(Locale.ROOT, "| %s | upload (%d MiB) | %.1f | | |", name, Files.size(zip) >> 20, uploadSeconds));
            for (String step : List.of("import", "re-import (nothing new)")) {
                String id = step.startsWith("import") ? "first" : "again";
                if (id.equals("again")) {
                    upload = upload(http, app, zip);
                }
                started = System.nanoTime();
                http.call("POST", app + "/imports", ADMIN_TOKEN, "{\"imports\":[{\"id\":\"" + id + "\",\"upload_id\":\""
                        + upload + "\",\"format\":\"COCO\",\"dataset_id\":\"all\"}]}");
                awaitDone(http, app + "/imports/" + id);
                double took = seconds(started);
                line(String.format(Locale.ROOT, "| %s | %s | %.1f | %,.0f | %,.0f |", name, step, took, images / took,
                        (double) images * boxes / took));
                phases.add(name + ", " + step + ": " + phases(server));
            }
            started = System.nanoTime();
            postInputs(http, "/v2/users/me/apps/ingest");
            double took = seconds(started);
            line(String.format(Locale.ROOT, "| %s | PostInputs, same images, 128 per call, 1 client | %.1f | %,.0f | |",
                    name, took, images / took));
        }
    }

    private static String upload(BenchHttp http, String app, Path zip) throws IOException {
        long size = Files.size(zip);
        String made = http.call("POST", app + "/uploads", ADMIN_TOKEN, "{\"uploads\":[{\"content_length\":" + size + "}]}");
        Matcher id = Pattern.compile("\"id\":\"([0-9a-f]+)\"").matcher(made);
        if (!id.find()) {
            throw new IllegalStateException("no upload id in " + made);
        }
        byte[] all = Files.readAllBytes(zip);
        for (int start = 0, part = 1; start < all.length; start += 4 << 20, part++) {
            int end = Math.min(all.length, start + (4 << 20));
            http.call("PUT", app + "/uploads/" + id.group(1) + "/content_parts", ADMIN_TOKEN,
                    "{\"content_parts\":[{\"range_start\":" + start + ",\"part_number\":" + part + ",\"data\":\""
                            + Base64.getEncoder().encodeToString(java.util.Arrays.copyOfRange(all, start, end)) + "\"}]}");
        }
        return id.group(1);
    }

    private static void awaitDone(BenchHttp http, String path) throws InterruptedException {
        long deadline = System.nanoTime() + 3_600_000_000_000L;
        while (System.nanoTime() < deadline) {
            String body = http.call("GET", path, ADMIN_TOKEN, null);
            Matcher state = STATE.matcher(body);
            String code = state.find() ? state.group(1) : "";
            if (code.equals("4")) {
                return;
            }
            if (code.equals("5")) {
                throw new IllegalStateException("the import failed: " + body.substring(0, Math.min(2000, body.length())));
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the import did not end within an hour");
    }

    private void postInputs(BenchHttp http, String app) {
        String png = Base64.getEncoder().encodeToString(TestImages.png(64, 48));
        for (int from = 0; from < images; from += 128) {
            StringBuilder body = new StringBuilder("{\"inputs\":[");
            for (int i = from; i < Math.min(images, from + 128); i++) {
                body.append(i == from ? "" : ",").append("{\"id\":\"img").append(i)
                        .append("\",\"dataset_ids\":[],\"data\":{\"image\":{\"base64\":\"").append(png).append("\"}}}");
            }
            http.call("POST", app + "/inputs", ADMIN_TOKEN, body.append("]}").toString());
        }
    }

    /** The file: images/img{i}.png (one small PNG, stored) and annotations.json (deflated). */
    private Path cocoZip() throws IOException {
        Path zip = Files.createTempFile("import-bench", ".zip");
        byte[] png = TestImages.png(64, 48);
        try (OutputStream file = Files.newOutputStream(zip); ZipOutputStream out = new ZipOutputStream(file)) {
            out.setLevel(0);
            for (int i = 0; i < images; i++) {
                out.putNextEntry(new ZipEntry("images/img" + i + ".png"));
                out.write(png);
                out.closeEntry();
            }
            out.setLevel(6);
            out.putNextEntry(new ZipEntry("annotations.json"));
            StringBuilder json = new StringBuilder("{\"categories\":[{\"id\":1,\"name\":\"cat\"},{\"id\":2,\"name\":\"dog\"}],"
                    + "\"images\":[");
            for (int i = 0; i < images; i++) {
                json.append(i == 0 ? "" : ",").append("{\"id\":").append(i).append(",\"file_name\":\"img").append(i)
                        .append(".png\",\"width\":64,\"height\":48}");
                flushIfLarge(json, out);
            }
            json.append("],\"annotations\":[");
            for (int i = 0, n = 0; i < images; i++) {
                for (int b = 0; b < boxes; b++, n++) {
                    json.append(n == 0 ? "" : ",").append("{\"id\":").append(n).append(",\"image_id\":").append(i)
                            .append(",\"category_id\":").append(1 + b % 2).append(",\"bbox\":[").append(2 + b * 10)
                            .append(",4,8,12]}");
                    flushIfLarge(json, out);
                }
            }
            json.append("]}");
            out.write(json.toString().getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        return zip;
    }

    private static void flushIfLarge(StringBuilder json, OutputStream out) throws IOException {
        if (json.length() > 1 << 16) {
            out.write(json.toString().getBytes(StandardCharsets.UTF_8));
            json.setLength(0);
        }
    }

    private static double seconds(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e9;
    }

    private void line(String text) {
        System.out.println(text);
        out.append(text).append('\n');
    }
}
