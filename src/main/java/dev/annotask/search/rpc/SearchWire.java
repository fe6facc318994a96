package dev.annotask.search.rpc;

import com.google.protobuf.util.Timestamps;
import dev.annotask.annotation.Annotation;
import dev.annotask.annotation.AnnotationRpcs;
import dev.annotask.annotation.AnnotationStore;
import dev.annotask.identity.App;
import dev.annotask.input.Input;
import dev.annotask.input.InputStore;
import dev.annotask.input.InputWire;
import dev.annotask.proto.api.Hit;
import dev.annotask.proto.api.Search;
import dev.annotask.search.SavedSearch;
import dev.annotask.search.SearchKind;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;

/**
 * Searches and hits as the API shows them. Every hit scores 1.0: filters select, they do not
 * rank (Clarifai's hits for pure filter queries score 1.0 too). Thread-safe.
 */
final class SearchWire {
    private final InputStore inputs;
    private final AnnotationStore annotations;
    private final InputWire inputWire;

    SearchWire(InputStore inputs, AnnotationStore annotations, InputWire inputWire) {
        this.inputs = inputs;
        this.annotations = annotations;
        this.inputWire = inputWire;
    }

    static Search toWire(App app, SavedSearch search) {
        return search.spec().toBuilder().setApplicationId(app.id())
                .setCreatedAt(Timestamps.fromMillis(search.createdAt()))
                .setModifiedAt(Timestamps.fromMillis(search.modifiedAt())).build();
    }

    /** The hits of a page of matches (input ids or annotation ids, by the query's kind), in that order. */
    List<Hit> hits(Handle handle, App app, SearchKind kind, List<String> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        if (kind == SearchKind.INPUTS) {
            Map<String, Input> found = inputs.findAll(handle, app.uid(), ids);
            return ids.stream().filter(found::containsKey).map(id -> hit(app, found.get(id)).build()).toList();
        }
        Map<String, Annotation> found = annotations.list(handle, app.uid(),
                        new AnnotationStore.Filter(ids, List.of(), "", List.of(), List.of()), 0, ids.size()).stream()
                .collect(Collectors.toMap(Annotation::id, Function.identity()));
        Map<String, Input> of = inputs.findAll(handle, app.uid(),
                found.values().stream().map(Annotation::inputId).distinct().toList());
        return ids.stream().filter(found::containsKey).map(found::get).filter(a -> of.containsKey(a.inputId()))
                .map(a -> hit(app, of.get(a.inputId())).setAnnotation(AnnotationRpcs.toWire(a)).build()).toList();
    }

    private Hit.Builder hit(App app, Input input) {
        return Hit.newBuilder().setScore(1.0f).setInput(inputWire.toWire(app, input)).setUserId(app.ownerId())
                .setAppId(app.id());
    }
}
