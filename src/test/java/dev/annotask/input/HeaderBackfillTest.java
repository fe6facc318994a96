package dev.annotask.input;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annotask.store.Database;
import dev.annotask.store.SqlDialect;
import dev.annotask.testing.TestDatabases;
import dev.annotask.testing.TestImages;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Inputs stored before schema V12 get their image headers read by the start-up backfill: a
 * size for the images it reads (a JPEG whose size lies past the first 64 KiB included), ''
 * for other bytes, nothing for inputs without bytes; a second run finds nothing left. On both
 * databases.
 */
@ParameterizedClass
@MethodSource("dev.annotask.testing.TestDatabases#dialects")
class HeaderBackfillTest {
    @Parameter
    SqlDialect dialect;

    @Test
    void inputsStoredBeforeTheMigrationGetTheirHeadersRead() {
        String url = TestDatabases.newDatabase(dialect);
        Flyway.configure().dataSource(url, null, null).locations(dialect.migrationLocation()).target("11").load()
                .migrate();
        Map<String, byte[]> stored = Map.of(
                "png", TestImages.png(300, 200),
                "deep-jpeg", TestImages.jpegWithLargeHeader(64, 32, 100 * 1024),
                "webp", TestImages.webpExtended(5000, 4000),
                "clip", new byte[] {0, 0, 0, 0x18, 'f', 't', 'y', 'p'});
        Jdbi.create(url).useHandle(handle -> {
            handle.execute("INSERT INTO users (id, created_at) VALUES ('owner', 1)");
            handle.execute("INSERT INTO apps (uid, user_id, id, created_at, modified_at) VALUES ('u1', 'owner', 'a', 1, 1)");
            handle.execute("INSERT INTO inputs (app_uid, id, data, byte_size, status, created_at, modified_at)"
                    + " VALUES ('u1', 'linked', '{\"image\":{\"url\":\"https://example.com/a.png\"}}', 0, 30000, 1, 1)");
            stored.forEach((id, bytes) -> {
                handle.createUpdate("INSERT INTO inputs (app_uid, id, data, byte_size, status, created_at, modified_at)"
                        + " VALUES ('u1', :id, '{\"image\":{}}', :size, 30000, 1, 1)")
                        .bind("id", id).bind("size", bytes.length).execute();
                handle.createUpdate("INSERT INTO input_bytes (app_uid, input_id, content) VALUES ('u1', :id, :content)")
                        .bind("id", id).bind("content", bytes).execute();
            });
        });

        try (Database database = Database.open(url, null, null, 2)) {
            HeaderBackfill backfill = new HeaderBackfill(database.units(), new InputMediaStore(), new InputStore());
            assertThat(backfill.runToEnd()).isEqualTo(4);
            Map<String, String> headers = database.jdbi().withHandle(handle -> handle.createQuery(
                            "SELECT id, image_width, image_height, image_format FROM inputs")
                    .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getInt(2) + "x" + rs.getInt(3) + " " + rs.getString(4)))
                    .list()).stream().collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
            assertThat(headers).containsExactlyInAnyOrderEntriesOf(Map.of(
                    "png", "300x200 PNG",
                    "deep-jpeg", "64x32 JPEG",
                    "webp", "5000x4000 WEBP",
                    "clip", "0x0 ",
                    "linked", "0x0 null"));
            assertThat(backfill.runToEnd()).as("nothing left to read").isZero();
            List<Input> read = database.units().read(handle -> new InputStore().list(handle, "u1", List.of("png"), 0, 0, 10));
            assertThat(read).singleElement().extracting(Input::image).isEqualTo(new ImageSize(300, 200, "PNG"));
        }
    }
}
