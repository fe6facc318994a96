package dev.annotask.imports;

import com.google.protobuf.util.Timestamps;
import dev.annotask.proto.imports.Import;

/** Imports as the API shows them. Stateless. */
final class ImportWire {
    private ImportWire() {
    }

    static Import wire(ImportStore.Stored stored, boolean withErrors) {
        Import.Builder wire = stored.spec().toBuilder()
                .setState(Import.State.forNumber(stored.state()))
                .setProgress(stored.progress())
                .setErrorCount(stored.errorCount())
                .setFailure(stored.failure())
                .setUserId(stored.userId())
                .setCreatedAt(Timestamps.fromMillis(stored.createdAt()))
                .setModifiedAt(Timestamps.fromMillis(stored.modifiedAt()));
        if (withErrors) {
            wire.addAllErrors(stored.errors());
        }
        return wire.build();
    }
}
