package dev.annotask.imports;

import static dev.annotask.imports.ImportFixtures.annotations;
import static org.assertj.core.api.Assertions.assertThat;

import dev.annotask.Main;
import dev.annotask.proto.api.MultiInputResponse;
import dev.annotask.store.SqlDialect;
import dev.annotask.testing.DataFixtures;
import dev.annotask.testing.LabelingWorld;
import dev.annotask.testing.TestImages;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * {@code annotask import} against a running server, on both databases: a YOLO folder is zipped,
 * uploaded, imported and followed to the end (exit 0); a bad COCO file ends with its report
 * printed (exit 1) and nothing written; a bad command line exits 2.
 */
@ParameterizedClass
@MethodSource("dev.annotask.testing.TestDatabases#dialects")
class ImportCommandTest {
    private static LabelingWorld world;

    @Parameter
    SqlDialect dialect;

    @TempDir
    Path folder;

    private DataFixtures app;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeParameterizedClassInvocation
    static void startServer(SqlDialect dialect) {
        world = LabelingWorld.shared(dialect);
    }

    @BeforeEach
    void newApp() {
        app = world.newBareApp("cli");
    }

    private int importCommand(String... args) {
        ImportCommand command = new ImportCommand();
        command.out = new PrintStream(out, true, StandardCharsets.UTF_8);
        command.err = new PrintStream(err, true, StandardCharsets.UTF_8);
        String[] all = new String[args.length + 6];
        all[0] = "--server";
        all[1] = "http://127.0.0.1:" + world.server().server().httpPort();
        all[2] = "--key";
        all[3] = app.appKey();
        all[4] = "--app";
        all[5] = app.appId();
        System.arraycopy(args, 0, all, 6, args.length);
        return new CommandLine(command).execute(all);
    }

    @Test
    void aYoloFolderIsImportedAndFollowedToTheEnd() throws IOException {
        Files.createDirectories(folder.resolve("images/val"));
        Files.createDirectories(folder.resolve("labels/val"));
        Files.writeString(folder.resolve("data.yaml"), "names: ['cat', 'dog']\n");
        Files.write(folder.resolve("images/val/p1.png"), TestImages.png(30, 30));
        Files.write(folder.resolve("images/val/p2.png"), TestImages.png(30, 30));
        Files.writeString(folder.resolve("labels/val/p1.txt"), "1 0.5 0.5 0.5 0.5\n");

        int code = importCommand(folder.toString(), "--dataset", "val", "--id", "cli-yolo");
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("import cli-yolo done: 2 inputs")
                .contains("1 annotations");
        assertThat(app.call("GET", "/v2/inputs", null, MultiInputResponse.getDefaultInstance()).message()
                .getInputsList()).extracting(i -> i.getId()).containsExactlyInAnyOrder("p1", "p2");
        assertThat(annotations(app, "input_ids=p1")).singleElement()
                .satisfies(a -> assertThat(a.getData().getRegions(0).getData().getConcepts(0).getId()).isEqualTo("dog"));

        // Again: nothing new, all of it found there already.
        out.reset();
        assertThat(importCommand(folder.toString(), "--dataset", "val")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("2 inputs (2 there already)")
                .contains("1 annotations (1 there already)");
    }

    @Test
    void aBadFileEndsWithItsReportAndWritesNothing() throws IOException {
        Path coco = folder.resolve("bad.json");
        Files.writeString(coco, """
                {"images":[{"id":1,"file_name":"a.jpg","width":10,"height":10,"coco_url":"https://example.com/a.jpg"}],
                 "annotations":[{"id":1,"image_id":1,"category_id":2,"bbox":[0,0,5,5]},
                                {"id":2,"image_id":1,"category_id":1,"bbox":[0,0,50,5]}],
                 "categories":[{"id":1,"name":"cat"}]}""");
        assertThat(importCommand(coco.toString(), "--prelabels", "detector")).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("failed: 2 bad entries")
                .contains("annotations[0] (id 1): category_id 2").contains("annotations[1] (id 2)");
        assertThat(app.call("GET", "/v2/inputs", null, MultiInputResponse.getDefaultInstance()).message()
                .getInputsCount()).isZero();
    }

    @Test
    void theCommandIsASubcommandOfTheJarAndRefusesABadCommandLine() {
        assertThat(new CommandLine(new Main()).execute("import", "--help")).isZero();
        assertThat(importCommand(folder.resolve("missing.json").toString())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("does not exist");
    }
}
