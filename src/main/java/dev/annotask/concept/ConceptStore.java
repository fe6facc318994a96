package dev.annotask.concept;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;

/** Concepts in the database. Thread-safe. */
public final class ConceptStore {


    public Optional<Concept> find(Handle handle, String appUid, String id) {
        return handle.createQuery("SELECT * FROM concepts WHERE app_uid = :app AND id = :id")
                .bind("app", appUid).bind("id", id).map((rs, ctx) -> map(rs)).findOne();
    }

    /** The concepts of the app among these ids, in no particular order. */
    public List<Concept> findAll(Handle handle, String appUid, Collection<String> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return handle.createQuery(
                        "SELECT * FROM concepts WHERE app_uid = :app AND id IN (<ids>)")
                .bind("app", appUid).bindList("ids", List.copyOf(ids)).map((rs, ctx) -> map(rs)).list();
    }

    /**
     * A page of the app's concepts, oldest first; a non-empty {@code idFilter} keeps those whose
     * id or name contains it, ignoring case. The filter is literal text: {@code %} and
     * {@code _} match themselves (escaped with '!', a clause both SQLite and PostgreSQL read alike).
     */
    public List<Concept> list(Handle handle, String appUid, String idFilter, int offset, int limit) {
        String filter = idFilter.isEmpty() ? ""
                : " AND (LOWER(id) LIKE :pattern ESCAPE '!' OR LOWER(name) LIKE :pattern ESCAPE '!')";
        return handle.createQuery("SELECT * FROM concepts WHERE app_uid = :app" + filter
                        + " ORDER BY created_at, id LIMIT :limit OFFSET :offset")
                .bind("app", appUid)
                .bind("pattern", "%" + escapeLike(idFilter.toLowerCase(Locale.ROOT)) + "%")
                .bind("limit", limit).bind("offset", offset)
                .map((rs, ctx) -> map(rs)).list();
    }

    /**
     * The text with LIKE's wildcards and the escape character itself preceded by '!'. Not a
     * backslash, which PostgreSQL's string literals and Jdbi's statement parser each read in
     * their own way; '!' means nothing to either.
     */
    static String escapeLike(String text) {
        return text.replace("!", "!!").replace("%", "!%").replace("_", "!_");
    }

    /** Inserts all, or none when an id is taken; returns the taken ids. */
    public List<String> insertAll(Handle handle, String appUid, List<Concept> concepts) {
        List<String> taken = List.copyOf(existing(handle, appUid, concepts.stream().map(Concept::id).toList()));
        if (!taken.isEmpty()) {
            return taken;
        }
        for (Concept concept : concepts) {
            handle.createUpdate("""
                            INSERT INTO concepts (app_uid, id, name, language, definition, metadata, created_at,
                                                  modified_at)
                            VALUES (:appUid, :id, :name, :language, :definition, :metadataJson, :createdAt,
                                    :modifiedAt)""")
                    .bindMethods(concept).execute();
        }
        return List.of();
    }

    /** Replaces the concepts' fields (overwrite); returns the ids not found, having changed nothing then. */
    public List<String> updateAll(Handle handle, String appUid, List<Concept> concepts) {
        Set<String> found = existing(handle, appUid, concepts.stream().map(Concept::id).toList());
        List<String> missing = concepts.stream().map(Concept::id).filter(id -> !found.contains(id)).toList();
        if (!missing.isEmpty()) {
            return missing;
        }
        for (Concept concept : concepts) {
            handle.createUpdate("""
                            UPDATE concepts SET name = :name, language = :language, definition = :definition,
                                   metadata = :metadataJson, modified_at = :modifiedAt
                            WHERE app_uid = :appUid AND id = :id""")
                    .bindMethods(concept).execute();
        }
        return List.of();
    }

    /** Which of these ids are concepts of the app, read through the caller's handle (inside its transaction). */
    public static Set<String> existing(Handle handle, String appUid, Collection<String> ids) {
        if (ids.isEmpty()) {
            return Set.of();
        }
        return handle.createQuery("SELECT id FROM concepts WHERE app_uid = :app AND id IN (<ids>)")
                .bind("app", appUid).bindList("ids", List.copyOf(ids)).mapTo(String.class).set();
    }

    private static Concept map(ResultSet rs) throws SQLException {
        return new Concept(rs.getString("app_uid"), rs.getString("id"), rs.getString("name"), rs.getString("language"),
                rs.getString("definition"), rs.getString("metadata"), rs.getLong("created_at"),
                rs.getLong("modified_at"));
    }
}
