package dev.annotask.export;

import dev.annotask.store.Json;
import dev.annotask.store.UnitOfWork;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * Makes one claimed dataset version READY (docs/ARCHITECTURE.md, "Dataset versions and
 * exports"): copies its snapshot in batches of {@value #SNAPSHOT_BATCH} inputs, each batch a
 * transaction of its own that also extends the lease, so SQLite's single writer is never held
 * for a whole large dataset; then counts its metrics a page at a time. A build that stops
 * (its node dies) resumes on any node after the highest input already copied, so no input is
 * copied twice. Not thread-safe: one per claimed version.
 */
final class VersionBuild {
    static final int SNAPSHOT_BATCH = 1_000;

    private final UnitOfWork units;
    private final Clock clock;
    private final String node;
    private final long leaseMillis;

    VersionBuild(UnitOfWork units, Clock clock, String node, long leaseMillis) {
        this.units = units;
        this.clock = clock;
        this.node = node;
        this.leaseMillis = leaseMillis;
    }

    /** Builds the version; throws {@link ExportBuilder.ClaimLost} when another node took it over. */
    void build(String versionUid) {
        Optional<Version> found = units.read(handle -> VersionStore.findByUid(handle, versionUid));
        if (found.isEmpty()) {
            return; // deleted meanwhile
        }
        Version version = found.get();
        long upto = units.read(handle -> VersionStore.snapshotUpto(handle, versionUid));
        long after = units.read(handle -> VersionStore.copiedUpTo(handle, versionUid));
        while (after >= 0) {
            long from = after;
            after = units.write(handle -> {
                requireLease(VersionStore.extend(handle, versionUid, node, clock.millis() + leaseMillis));
                return VersionStore.copyBatch(handle, version, from, upto, SNAPSHOT_BATCH);
            });
        }
        VersionSource source = new VersionSource(version.appUid(), versionUid, LabelRows.Which.FINAL, "");
        VersionMetrics metrics = new VersionMetrics();
        long leaseExtendedAt = clock.millis();
        long seq = 0;
        while (true) {
            long from = seq;
            List<ExportItem> page = units.read(handle -> source.page(handle, from, ExportBuilder.PAGE));
            if (page.isEmpty()) {
                break;
            }
            metrics.add(page);
            seq = page.get(page.size() - 1).seq();
            if (clock.millis() - leaseExtendedAt > leaseMillis / 4) {
                leaseExtendedAt = clock.millis();
                requireLease(units.write(handle -> VersionStore.extend(handle, versionUid, node,
                        clock.millis() + leaseMillis)));
            }
        }
        String json = Json.write(metrics.metrics());
        requireLease(units.write(handle -> VersionStore.finish(handle, versionUid, node, VersionStore.READY, json,
                clock.millis())));
    }

    private static void requireLease(boolean held) {
        if (!held) {
            throw new ExportBuilder.ClaimLost();
        }
    }
}
