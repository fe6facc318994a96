package dev.annotask.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SQLite data directory, kept owner-only: the database file holds every stored byte and
 * the server's secrets (media URL key, key-hashing key), so neither the directory nor the files
 * may be readable by other users, whatever the process's umask.
 *
 * <p>A missing directory is created 0700; the database file is created empty (SQLite takes an
 * empty file as a new database) with 0600 before SQLite opens it, because SQLite creates its
 * write-ahead log and shared-memory files with the database file's permissions. Database files
 * found more open (made by an earlier version) are narrowed to 0600 at each start. A directory
 * that exists already is the operator's: it is left as it is, with a warning when others may
 * enter it. On file systems without POSIX permissions nothing is changed. Stateless.
 */
public final class DataDirectory {
    public static final String DATABASE_FILE = "annotask.db";
    private static final Logger LOG = LoggerFactory.getLogger(DataDirectory.class);
    private static final Set<PosixFilePermission> OWNER_DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");
    private static final List<String> DATABASE_SUFFIXES = List.of("", "-wal", "-shm", "-journal");

    private DataDirectory() {
    }

    /** Prepares the directory and returns the SQLite URL of its database. */
    public static String sqliteUrl(Path directory) {
        try {
            return SqlDialect.sqliteUrl(prepare(directory));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the data directory " + directory, e);
        }
    }

    private static Path prepare(Path directory) throws IOException {
        Path database = directory.resolve(DATABASE_FILE);
        if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.createDirectories(directory);
            return database;
        }
        if (Files.isDirectory(directory)) {
            warnIfOpen(directory);
        } else {
            Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(OWNER_DIRECTORY));
        }
        try {
            Files.createFile(database, PosixFilePermissions.asFileAttribute(OWNER_FILE));
        } catch (FileAlreadyExistsException existing) {
            // an existing database: narrowed below with its companions
        }
        for (String suffix : DATABASE_SUFFIXES) {
            Path file = directory.resolve(DATABASE_FILE + suffix);
            if (Files.exists(file) && !Files.getPosixFilePermissions(file).equals(OWNER_FILE)) {
                Files.setPosixFilePermissions(file, OWNER_FILE);
            }
        }
        return database;
    }

    private static void warnIfOpen(Path directory) throws IOException {
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(directory);
        if (permissions.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
            LOG.warn("the data directory {} is open to other users ({}); chmod 700 it", directory,
                    PosixFilePermissions.toString(permissions));
        }
    }
}
