package dev.annotask.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annotask.AnnotaskServer;
import dev.annotask.config.ServerConfig;
import dev.annotask.testing.Fixtures;
import dev.annotask.testing.ApiClient;
import dev.annotask.testing.RunningServer;
import dev.annotask.testing.TestDatabases;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The SQLite data directory and every file of its database (which holds the stored bytes and
 * the server's secrets) are the owner's alone, whatever the umask: made so when new, narrowed
 * when an earlier version left them open.
 */
class DataDirectoryTest {
    @Test
    void aNewDataDirectoryAndItsDatabaseFilesAreOwnerOnly() throws IOException {
        Path data = TestDatabases.tempDirectory().resolve("nested").resolve("data");
        try (AnnotaskServer server = new AnnotaskServer(ServerConfig.forDirectory(data)
                .withAdminToken(RunningServer.ADMIN_TOKEN)).stopGrace(Duration.ZERO).start()) {
            new Fixtures(new ApiClient(server.httpPort())).createUser("someone");
            assertThat(permissions(data)).isEqualTo("rwx------");
            assertThat(permissions(data.getParent())).isEqualTo("rwx------");
            for (String file : new String[] {"annotask.db", "annotask.db-wal", "annotask.db-shm"}) {
                assertThat(data.resolve(file)).exists();
                assertThat(permissions(data.resolve(file))).as(file).isEqualTo("rw-------");
            }
        }
    }

    @Test
    void databaseFilesLeftOpenByAnEarlierVersionAreNarrowed() throws IOException {
        Path data = TestDatabases.tempDirectory();
        Database.open(SqlDialect.sqliteUrl(data.resolve("annotask.db")), null, null, 1).close();
        Files.setPosixFilePermissions(data.resolve("annotask.db"), PosixFilePermissions.fromString("rw-r--r--"));

        new AnnotaskServer(ServerConfig.forDirectory(data).withAdminToken(RunningServer.ADMIN_TOKEN)).start().close();
        assertThat(permissions(data.resolve("annotask.db"))).isEqualTo("rw-------");
    }

    private static String permissions(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}
