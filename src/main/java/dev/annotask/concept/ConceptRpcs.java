package dev.annotask.concept;

import com.google.protobuf.util.Timestamps;
import dev.annotask.api.ApiException;
import dev.annotask.api.Page;
import dev.annotask.api.RpcRegistry;
import dev.annotask.api.Validation;
import dev.annotask.identity.Caller;
import dev.annotask.proto.api.GetConceptRequest;
import dev.annotask.proto.api.ListConceptsRequest;
import dev.annotask.proto.api.MultiConceptResponse;
import dev.annotask.proto.api.PatchConceptsRequest;
import dev.annotask.proto.api.PostConceptsRequest;
import dev.annotask.proto.api.SingleConceptResponse;
import dev.annotask.proto.api.status.StatusCode;
import dev.annotask.store.Json;
import org.jdbi.v3.core.Handle;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/** PostConcepts, ListConcepts, GetConcept and PatchConcepts (overwrite). Thread-safe. */
public final class ConceptRpcs {
    private static final int MAX_BATCH = 128;

    private final ConceptStore concepts;
    private final Clock clock;

    public ConceptRpcs(ConceptStore concepts, Clock clock) {
        this.concepts = concepts;
        this.clock = clock;
    }

    public void register(RpcRegistry registry) {
        registry.writes("PostConcepts", PostConceptsRequest.class, this::postConcepts);
        registry.reads("ListConcepts", ListConceptsRequest.class, this::listConcepts);
        registry.reads("GetConcept", GetConceptRequest.class, this::getConcept);
        registry.writes("PatchConcepts", PatchConceptsRequest.class, this::patchConcepts);
    }

    MultiConceptResponse postConcepts(Handle handle, Caller caller, PostConceptsRequest request) {
        List<Concept> created = fromWire(caller, request.getConceptsList());
        List<String> taken = concepts.insertAll(handle, caller.app().uid(), created);
        if (!taken.isEmpty()) {
            throw new ApiException(StatusCode.DATABASE_DUPLICATE_KEY, "concept id already exists: " + String.join(", ", taken));
        }
        return respond(caller, created);
    }

    MultiConceptResponse listConcepts(Handle handle, Caller caller, ListConceptsRequest request) {
        Page page = Page.of(request.getPage(), request.getPerPage());
        return respond(caller, concepts.list(handle, caller.app().uid(), request.getId(), page.offset(), page.limit()));
    }

    SingleConceptResponse getConcept(Handle handle, Caller caller, GetConceptRequest request) {
        Concept concept = concepts.find(handle, caller.app().uid(), request.getConceptId()).orElseThrow(() ->
                ApiException.notFound("concept '" + request.getConceptId() + "' not found"));
        return SingleConceptResponse.newBuilder().setConcept(toWire(concept, caller)).build();
    }

    MultiConceptResponse patchConcepts(Handle handle, Caller caller, PatchConceptsRequest request) {
        if (!"overwrite".equals(request.getAction())) {
            throw ApiException.invalid("action must be 'overwrite' (the only action PatchConcepts supports), not '"
                    + request.getAction() + "'");
        }
        List<Concept> changed = fromWire(caller, request.getConceptsList());
        List<String> missing = concepts.updateAll(handle, caller.app().uid(), changed);
        if (!missing.isEmpty()) {
            throw ApiException.notFound("concept not found: " + String.join(", ", missing));
        }
        return respond(caller, concepts.findAll(handle, caller.app().uid(), changed.stream().map(Concept::id).toList()));
    }

    private List<Concept> fromWire(Caller caller, List<dev.annotask.proto.api.Concept> wire) {
        Validation.requireBatch("concepts", wire.size(), MAX_BATCH);
        long now = clock.millis();
        List<Concept> result = new ArrayList<>();
        for (int i = 0; i < wire.size(); i++) {
            dev.annotask.proto.api.Concept concept = wire.get(i);
            String id = Validation.requireId("concepts[" + i + "].id", concept.getId());
            String name = concept.getName().isEmpty() ? id : concept.getName();
            result.add(new Concept(caller.app().uid(), id, name, concept.getLanguage(), concept.getDefinition(),
                    concept.hasMetadata() ? Json.writeStruct(concept.getMetadata()) : null, now, now));
        }
        Validation.requireUniqueNewIds("concepts[].id", result.stream().map(Concept::id).toList());
        return result;
    }

    private static MultiConceptResponse respond(Caller caller, List<Concept> listed) {
        return MultiConceptResponse.newBuilder()
                .addAllConcepts(listed.stream().map(c -> toWire(c, caller)).toList())
                .build();
    }

    static dev.annotask.proto.api.Concept toWire(Concept concept, Caller caller) {
        dev.annotask.proto.api.Concept.Builder wire = dev.annotask.proto.api.Concept.newBuilder()
                .setId(concept.id())
                .setName(concept.name())
                .setValue(1.0f)
                .setLanguage(concept.language())
                .setDefinition(concept.definition())
                .setAppId(caller.app().id())
                .setUserId(caller.app().ownerId())
                .setCreatedAt(Timestamps.fromMillis(concept.createdAt()));
        if (concept.metadataJson() != null) {
            wire.setMetadata(Json.readStruct(concept.metadataJson()));
        }
        return wire.build();
    }
}
