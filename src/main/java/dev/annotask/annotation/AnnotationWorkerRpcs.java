package dev.annotask.annotation;

import dev.annotask.api.Page;
import dev.annotask.api.RpcRegistry;
import dev.annotask.identity.Caller;
import dev.annotask.identity.User;
import dev.annotask.identity.UserStore;
import dev.annotask.proto.api.ListAnnotationWorkersRequest;
import dev.annotask.proto.api.MultiWorkerResponse;
import dev.annotask.proto.api.Worker;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * ListAnnotationWorkers: the users who have annotations in the app now (in tasks or not, any
 * status), by user id, paged like every listing. Who may ask is the schema's scope list (the
 * app's owner, its keys, collaborators holding those scopes).
 *
 * <p>Clarifai lists users, models and workflows; every Annotask annotation is a person's, so
 * every worker is a {@code user}, and {@code trusted_only} (authors of trusted, that is
 * human-made, annotations) leaves the list as it is. As in Clarifai, real names are shown only
 * when asked for with {@code additional_fields} {@code names} (or {@code all}); other names
 * there are ignored, as GetTask ignores them. Thread-safe.
 */
public final class AnnotationWorkerRpcs {
    private final AnnotationStore annotations;
    private final UserStore users;

    public AnnotationWorkerRpcs(AnnotationStore annotations, UserStore users) {
        this.annotations = annotations;
        this.users = users;
    }

    public void register(RpcRegistry registry) {
        registry.reads("ListAnnotationWorkers", ListAnnotationWorkersRequest.class, this::listAnnotationWorkers);
    }

    MultiWorkerResponse listAnnotationWorkers(Handle handle, Caller caller, ListAnnotationWorkersRequest request) {
        Page page = Page.of(request.getPage(), request.getPerPage());
        List<String> authors = annotations.authors(handle, caller.app().uid(), page.offset(), page.limit());
        boolean names = request.getAdditionalFieldsList().contains("names")
                || request.getAdditionalFieldsList().contains("all");
        Map<String, User> byId = names ? users.findAll(handle, authors) : Map.of();
        MultiWorkerResponse.Builder response = MultiWorkerResponse.newBuilder();
        for (String userId : authors) {
            dev.annotask.proto.api.User.Builder user = dev.annotask.proto.api.User.newBuilder().setId(userId);
            User known = byId.get(userId);
            if (known != null) {
                user.setFirstName(known.firstName()).setLastName(known.lastName());
            }
            response.addWorkers(Worker.newBuilder().setUser(user));
        }
        return response.build();
    }
}
