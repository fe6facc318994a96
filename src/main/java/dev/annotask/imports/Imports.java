package dev.annotask.imports;

import dev.annotask.api.RpcRegistry;
import dev.annotask.store.Database;
import java.nio.file.Path;
import java.time.Clock;

/**
 * The import feature as the server wires it: the RPCs, and the worker started once the server
 * serves (it writes through the registry's own handlers, so it needs them all registered).
 * Close once, before the database.
 */
public final class Imports implements AutoCloseable {
    private final Database database;
    private final Clock clock;
    private final Path workDirectory;
    private ImportJobs jobs;

    /** @param workDirectory where uploads are copied and plans spooled while an import runs */
    public Imports(Database database, Clock clock, Path workDirectory) {
        this.database = database;
        this.clock = clock;
        this.workDirectory = workDirectory;
    }

    public void register(RpcRegistry registry) {
        new ImportRpcs(clock, () -> {
            ImportJobs running = jobs;
            if (running != null) {
                running.wake();
            }
        }).register(registry);
    }

    public void start(RpcRegistry registry) {
        jobs = new ImportJobs(new ApiCalls(registry, database.units()), clock, workDirectory, ArchiveLimits.DEFAULTS)
                .start();
    }

    @Override
    public void close() {
        if (jobs != null) {
            jobs.close();
            jobs = null;
        }
    }
}
