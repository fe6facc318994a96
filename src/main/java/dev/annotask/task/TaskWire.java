package dev.annotask.task;

import com.google.protobuf.util.Timestamps;
import dev.annotask.api.StatusCodes;
import dev.annotask.identity.App;
import dev.annotask.proto.api.Task;
import dev.annotask.proto.api.status.StatusCode;

/**
 * A stored task as the API shows it, without the fields a reader asks for by name (metrics,
 * full users): the base of every task answer and the data of the task events.
 */
public final class TaskWire {
    private TaskWire() {
    }

    public static Task of(App app, StoredTask task) {
        return task.spec().toBuilder()
                .setId(task.id())
                .setAppId(app.id())
                .setUserId(app.ownerId())
                .setCreatedAt(Timestamps.fromMillis(task.createdAt()))
                .setModifiedAt(Timestamps.fromMillis(task.modifiedAt()))
                .setStatus(StatusCodes.status(StatusCode.forNumber(task.status()), null))
                .build();
    }
}
