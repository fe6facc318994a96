package dev.annotask.search;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import com.google.protobuf.util.Timestamps;
import dev.annotask.api.ApiException;
import dev.annotask.proto.api.Annotation;
import dev.annotask.proto.api.Concept;
import dev.annotask.proto.api.Data;
import dev.annotask.proto.api.Filter;
import dev.annotask.proto.api.Input;
import dev.annotask.proto.api.Query;
import dev.annotask.proto.api.TimeRange;
import dev.annotask.proto.api.status.StatusCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Checks a search's query and compiles it to SQL (docs/COMPATIBILITY.md, "Searches"). The
 * query's {@code filters} are ANDed; inside one filter its parts are ANDed too, and the lists
 * Clarifai's schema documents as alternatives are ORed: a filter's concepts, its metadata keys,
 * its dataset ids and its input types. {@code negate} turns a filter into its complement. An
 * input matches an annotation filter when one of its annotations meets all of the filter's
 * annotation conditions. Anything the schema can say that this server cannot search by is
 * refused by name (40002), ranks (similarity, embeddings, text) with 10040, never ignored.
 * Stateless.
 */
public final class QueryCompiler {
    private static final Set<String> INPUT_FIELDS = Set.of("id", "data", "dataset_ids", "status");
    private static final Set<String> ANNOTATION_FIELDS = Set.of("id", "input_id", "data", "status", "user_id",
            "task_id", "worker");
    private static final Set<String> DATA_FIELDS = Set.of("image", "video", "text", "audio", "metadata", "concepts");
    private static final List<String> MEDIA = List.of("image", "video", "text", "audio");

    private final SqlParams params = new SqlParams();
    private final JsonSql json;
    private final SearchKind kind;

    private QueryCompiler(SearchKind kind, boolean postgres) {
        this.kind = kind;
        this.json = JsonSql.of(postgres);
    }

    /** The query compiled, or a refusal naming the field (prefixed by {@code field}). */
    public static CompiledQuery compile(String field, Query query, SearchKind kind, boolean postgres) {
        return new QueryCompiler(kind, postgres).compile(field, query);
    }

    private CompiledQuery compile(String field, Query query) {
        if (query.getAndsCount() > 0) {
            throw new ApiException(StatusCode.NOT_IMPLEMENTED, field + ".ands: the legacy query form is not supported;"
                    + " give filters (docs/COMPATIBILITY.md, \"Searches\")");
        }
        if (query.getRanksCount() > 0) {
            throw new ApiException(StatusCode.NOT_IMPLEMENTED, field + ".ranks: ranking (visual similarity, embeddings,"
                    + " text search) is not supported: Annotask keeps no embeddings; search with filters");
        }
        List<String> inputs = new ArrayList<>();
        List<String> annotations = new ArrayList<>();
        for (int i = 0; i < query.getFiltersCount(); i++) {
            String at = field + ".filters[" + i + "]";
            (kind == SearchKind.ANNOTATIONS ? annotations : inputs).add(filter(at, query.getFilters(i),
                    kind == SearchKind.ANNOTATIONS));
        }
        String inputCondition = and(inputs);
        String annotationCondition = kind == SearchKind.ANNOTATIONS ? and(annotations) : null;
        if (kind == SearchKind.ANNOTATIONS) {
            // An annotation search's inputs are those with an annotation it matches.
            inputCondition = "EXISTS (SELECT 1 FROM annotations a WHERE a.app_uid = i.app_uid AND a.input_id = i.id AND "
                    + annotationCondition + ")";
        }
        return new CompiledQuery(kind, inputCondition, annotationCondition, Map.copyOf(params.values()));
    }

    /**
     * One filter's condition: over the input {@code i} (annotation parts through EXISTS), or
     * over the annotation {@code a} and its input {@code i} ({@code onAnnotation}).
     */
    private String filter(String field, Filter filter, boolean onAnnotation) {
        List<String> parts = new ArrayList<>();
        if (filter.hasInput()) {
            parts.add(input(field + ".input", filter.getInput()));
        }
        String timeColumn = onAnnotation || filter.hasAnnotation() ? "a.modified_at" : "i.modified_at";
        String time = filter.hasLastUpdatedTimeRange()
                ? timeRange(field + ".last_updated_time_range", filter.getLastUpdatedTimeRange(), timeColumn) : null;
        if (filter.hasAnnotation() || (onAnnotation && time != null)) {
            List<String> conditions = new ArrayList<>();
            if (filter.hasAnnotation()) {
                conditions.add(annotation(field + ".annotation", filter.getAnnotation()));
            }
            if (time != null) {
                conditions.add(time);
            }
            String own = and(conditions);
            if (onAnnotation) {
                parts.add(own);
            } else {
                String any = "EXISTS (SELECT 1 FROM annotations a WHERE a.app_uid = i.app_uid AND a.input_id = i.id AND "
                        + own + ")";
                parts.add(onlyConcepts(filter) ? "(" + any + " OR " + concepts(field + ".annotation.data.concepts",
                        filter.getAnnotation().getData(), "i.data") + ")" : any);
            }
        } else if (time != null) {
            parts.add(time);
        }
        if (parts.isEmpty()) {
            throw invalid(field + " is empty: give input, annotation or last_updated_time_range");
        }
        String condition = and(parts);
        // A test of JSON the document lacks is NULL, not false: its complement must hold.
        return filter.getNegate() ? "NOT COALESCE(" + condition + ", FALSE)" : condition;
    }

    /**
     * Concepts given with an input at upload are its input-level annotation (as in Clarifai), so
     * a filter naming only concepts finds them too.
     */
    private static boolean onlyConcepts(Filter filter) {
        Annotation annotation = filter.getAnnotation();
        return !filter.hasLastUpdatedTimeRange() && annotation.getAllFields().size() == 1 && annotation.hasData()
                && annotation.getData().getAllFields().size() == 1 && annotation.getData().getConceptsCount() > 0;
    }

    private String input(String field, Input input) {
        onlyFields(field, input, INPUT_FIELDS);
        List<String> parts = new ArrayList<>();
        if (!input.getId().isEmpty()) {
            parts.add("i.id = " + params.add(input.getId()));
        }
        if (input.getDatasetIdsCount() > 0) {
            String ids = input.getDatasetIdsList().stream().map(params::add).collect(Collectors.joining(", "));
            parts.add("EXISTS (SELECT 1 FROM dataset_inputs d WHERE d.app_uid = i.app_uid AND d.input_id = i.id"
                    + " AND d.dataset_id IN (" + ids + "))");
        }
        if (input.hasStatus()) {
            parts.add("i.status = " + params.add(statusCode(field + ".status", input.getStatus())));
        }
        if (input.hasData()) {
            Data data = input.getData();
            onlyFields(field + ".data", data, DATA_FIELDS);
            List<String> media = new ArrayList<>();
            for (String member : MEDIA) {
                FieldDescriptor descriptor = Data.getDescriptor().findFieldByName(member);
                if (data.hasField(descriptor)) {
                    Message given = (Message) data.getField(descriptor);
                    if (!given.getAllFields().isEmpty()) {
                        throw invalid(field + ".data." + member + ": only {} (inputs of that type) is supported");
                    }
                    media.add(json.hasMember("i.data", member));
                }
            }
            if (!media.isEmpty()) {
                parts.add(or(media));
            }
            if (data.hasMetadata()) {
                parts.add(metadata(field + ".data.metadata", data.getMetadata(), "i.data"));
            }
            if (data.getConceptsCount() > 0) {
                parts.add(concepts(field + ".data.concepts", data, "i.data"));
            }
        }
        if (parts.isEmpty()) {
            throw invalid(field + " is empty: give id, dataset_ids, status or data");
        }
        return and(parts);
    }

    private String annotation(String field, Annotation annotation) {
        onlyFields(field, annotation, ANNOTATION_FIELDS);
        List<String> parts = new ArrayList<>();
        if (!annotation.getId().isEmpty()) {
            parts.add("a.id = " + params.add(annotation.getId()));
        }
        if (!annotation.getInputId().isEmpty()) {
            parts.add("a.input_id = " + params.add(annotation.getInputId()));
        }
        if (!annotation.getTaskId().isEmpty()) {
            parts.add("a.task_id = " + params.add(annotation.getTaskId()));
        }
        String user = user(field, annotation);
        if (!user.isEmpty()) {
            parts.add("a.user_id = " + params.add(user));
        }
        if (annotation.hasStatus()) {
            parts.add("a.status = " + params.add(statusCode(field + ".status", annotation.getStatus())));
        }
        if (annotation.hasData()) {
            Data data = annotation.getData();
            onlyFields(field + ".data", data, Set.of("metadata", "concepts"));
            if (data.hasMetadata()) {
                parts.add(metadata(field + ".data.metadata", data.getMetadata(), "a.data"));
            }
            if (data.getConceptsCount() > 0) {
                parts.add(concepts(field + ".data.concepts", data, "a.data"));
            }
        }
        if (parts.isEmpty()) {
            throw invalid(field + " is empty: give id, input_id, task_id, user_id, worker.user.id, status or data");
        }
        return and(parts);
    }

    /** The labeler: {@code user_id} (legacy) or {@code worker.user.id}; both must agree. */
    private static String user(String field, Annotation annotation) {
        String legacy = annotation.getUserId();
        if (!annotation.hasWorker()) {
            return legacy;
        }
        onlyFields(field + ".worker", annotation.getWorker(), Set.of("user"));
        onlyFields(field + ".worker.user", annotation.getWorker().getUser(), Set.of("id"));
        String worker = annotation.getWorker().getUser().getId();
        if (worker.isEmpty()) {
            throw invalid(field + ".worker.user.id is required");
        }
        if (!legacy.isEmpty() && !legacy.equals(worker)) {
            throw invalid(field + ": user_id '" + legacy + "' and worker.user.id '" + worker + "' differ");
        }
        return worker;
    }

    private String concepts(String field, Data data, String column) {
        List<String> any = new ArrayList<>();
        for (int i = 0; i < data.getConceptsCount(); i++) {
            Concept concept = data.getConcepts(i);
            if (concept.getId().isEmpty() && concept.getName().isEmpty()) {
                throw invalid(field + "[" + i + "]: give the concept's id or name");
            }
            if (!Float.isFinite(concept.getValue())) {
                throw invalid(field + "[" + i + "].value must be a number");
            }
            any.add(json.hasConcept(column, new ConceptTerm(concept.getId(), concept.getName(), concept.getValue() > 0),
                    params));
        }
        return or(any);
    }

    /** Clarifai ORs a metadata filter's keys: each key is one containment test. */
    private String metadata(String field, Struct metadata, String column) {
        if (metadata.getFieldsCount() == 0) {
            throw invalid(field + " is empty: give at least one key");
        }
        List<String> any = new ArrayList<>();
        for (Map.Entry<String, Value> entry : metadata.getFieldsMap().entrySet()) {
            checkPattern(field + "." + entry.getKey(), entry.getKey(), entry.getValue());
            any.add(json.metadataContains(column, entry.getKey(), entry.getValue(), params));
        }
        return or(any);
    }

    /** Keys are written into JSON paths (SQLite), so a double quote could not be spelled; numbers must be finite. */
    private static void checkPattern(String field, String key, Value value) {
        if (key.indexOf('"') >= 0 || key.indexOf('\\') >= 0) {
            throw invalid(field + ": metadata keys with '\"' or '\\' cannot be searched");
        }
        switch (value.getKindCase()) {
            case STRUCT_VALUE -> value.getStructValue().getFieldsMap().forEach((k, v) -> checkPattern(field + "." + k, k, v));
            case LIST_VALUE -> value.getListValue().getValuesList().forEach(v -> checkPattern(field + "[]", "", v));
            case NUMBER_VALUE -> {
                if (!Double.isFinite(value.getNumberValue())) {
                    throw invalid(field + " must be a finite number");
                }
            }
            case KIND_NOT_SET -> throw invalid(field + " has no value");
            default -> {
            }
        }
    }

    private static int statusCode(String field, dev.annotask.proto.api.status.Status status) {
        onlyFields(field, status, Set.of("code"));
        if (status.getCodeValue() == 0) {
            throw invalid(field + ".code is required");
        }
        return status.getCodeValue();
    }

    private String timeRange(String field, TimeRange range, String column) {
        List<String> parts = new ArrayList<>();
        if (range.hasStartTime()) {
            parts.add(column + " >= " + params.add(millis(field + ".start_time", range.getStartTime())));
        }
        if (range.hasEndTime()) {
            parts.add(column + " <= " + params.add(millis(field + ".end_time", range.getEndTime())));
        }
        if (parts.isEmpty()) {
            throw invalid(field + " is empty: give start_time, end_time or both");
        }
        if (range.hasStartTime() && range.hasEndTime()
                && Timestamps.compare(range.getStartTime(), range.getEndTime()) > 0) {
            throw invalid(field + ": start_time is after end_time");
        }
        return and(parts);
    }

    private static long millis(String field, Timestamp time) {
        if (!Timestamps.isValid(time)) {
            throw invalid(field + " is not a valid time");
        }
        return Timestamps.toMillis(time);
    }

    /** Refuses any field set on the message but those named, naming it. */
    private static void onlyFields(String field, Message message, Set<String> supported) {
        for (FieldDescriptor set : message.getAllFields().keySet()) {
            if (!supported.contains(set.getName())) {
                throw invalid(field + "." + set.getName() + " is not supported in searches"
                        + " (docs/COMPATIBILITY.md, \"Searches\")");
            }
        }
    }

    private static String and(List<String> parts) {
        return parts.isEmpty() ? "TRUE" : "(" + String.join(" AND ", parts) + ")";
    }

    private static String or(List<String> parts) {
        return "(" + String.join(" OR ", parts) + ")";
    }

    public static ApiException invalid(String details) {
        return new ApiException(StatusCode.SEARCH_INVALID_REQUEST, details);
    }
}
