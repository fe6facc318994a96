package dev.annotask.dataset;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import dev.annotask.input.DatasetMembers;
import org.jdbi.v3.core.Handle;

/** Datasets and their input memberships in the database. Thread-safe. */
public final class DatasetStore {


    /** A membership as listed: the input's id and when it joined. */
    public record Member(String inputId, long addedAt) {
    }

    public Optional<Dataset> find(Handle handle, String appUid, String id) {
        return handle.createQuery("SELECT * FROM datasets WHERE app_uid = :app AND id = :id")
                .bind("app", appUid).bind("id", id).map((rs, ctx) -> map(rs)).findOne();
    }

    public List<Dataset> list(Handle handle, String appUid, int offset, int limit) {
        return handle.createQuery("""
                        SELECT * FROM datasets WHERE app_uid = :app ORDER BY created_at, id LIMIT :limit OFFSET :offset""")
                .bind("app", appUid).bind("limit", limit).bind("offset", offset).map((rs, ctx) -> map(rs)).list();
    }

    /** Inserts all, or none when an id is taken; returns the taken ids. */
    public List<String> insertAll(Handle handle, String appUid, List<Dataset> datasets) {
        List<String> taken = List.copyOf(DatasetMembers.existingDatasets(handle, appUid, datasets.stream().map(Dataset::id).toList()));
        if (!taken.isEmpty()) {
            return taken;
        }
        for (Dataset dataset : datasets) {
            handle.createUpdate("""
                            INSERT INTO datasets (app_uid, id, description, notes, metadata, created_at, modified_at)
                            VALUES (:appUid, :id, :description, :notes, :metadataJson, :createdAt, :modifiedAt)""")
                    .bindMethods(dataset).execute();
        }
        return List.of();
    }

    /** Deletes the datasets (memberships go with them), or none when one is missing; returns the missing. */
    public List<String> deleteAll(Handle handle, String appUid, List<String> ids) {
        Set<String> found = DatasetMembers.existingDatasets(handle, appUid, ids);
        List<String> missing = ids.stream().filter(id -> !found.contains(id)).distinct().toList();
        if (missing.isEmpty()) {
            handle.createUpdate("DELETE FROM datasets WHERE app_uid = :app AND id IN (<ids>)")
                    .bind("app", appUid).bindList("ids", ids).execute();
        }
        return missing;
    }

    /** Adds the inputs to the dataset; inputs already in it stay as they were. */
    public void addInputs(Handle handle, String appUid, String datasetId, List<String> inputIds, long now) {
        inputIds.forEach(inputId ->
                DatasetMembers.add(handle, appUid, datasetId, inputId, now));
    }

    public void removeInputs(Handle handle, String appUid, String datasetId, List<String> inputIds) {
        DatasetMembers.remove(handle, appUid, datasetId, inputIds);
    }

    /** The dataset's members in the order they joined. */
    public List<Member> members(Handle handle, String appUid, String datasetId, int offset, int limit) {
        return handle.createQuery("""
                        SELECT d.input_id, d.created_at FROM dataset_inputs d JOIN inputs i
                          ON i.app_uid = d.app_uid AND i.id = d.input_id
                        WHERE d.app_uid = :app AND d.dataset_id = :dataset
                        ORDER BY d.created_at, i.seq LIMIT :limit OFFSET :offset""")
                .bind("app", appUid).bind("dataset", datasetId).bind("limit", limit).bind("offset", offset)
                .map((rs, ctx) -> new Member(rs.getString("input_id"), rs.getLong("created_at"))).list();
    }

    private static Dataset map(ResultSet rs) throws SQLException {
        return new Dataset(rs.getString("app_uid"), rs.getString("id"), rs.getString("description"),
                rs.getString("notes"), rs.getString("metadata"), rs.getLong("created_at"), rs.getLong("modified_at"));
    }
}
