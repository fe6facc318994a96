package dev.annotask.account;

import dev.annotask.api.ApiException;
import dev.annotask.api.Page;
import dev.annotask.api.RpcRegistry;
import dev.annotask.api.Validation;
import dev.annotask.identity.App;
import dev.annotask.identity.AppStore;
import dev.annotask.identity.AuthChanges;
import dev.annotask.identity.Caller;
import dev.annotask.identity.Collaborator;
import dev.annotask.identity.CollaboratorStore;
import dev.annotask.identity.CollaboratorsRemoved;
import dev.annotask.identity.Scopes;
import dev.annotask.identity.User;
import dev.annotask.identity.UserStore;
import dev.annotask.proto.api.Collaboration;
import dev.annotask.proto.api.DeleteCollaboratorsRequest;
import dev.annotask.proto.api.ListCollaborationsRequest;
import dev.annotask.proto.api.ListCollaboratorsRequest;
import dev.annotask.proto.api.MultiCollaborationsResponse;
import dev.annotask.proto.api.MultiCollaboratorsResponse;
import dev.annotask.proto.api.PatchCollaboratorsRequest;
import dev.annotask.proto.api.PostCollaboratorsRequest;
import dev.annotask.proto.api.status.BaseResponse;
import dev.annotask.proto.api.status.StatusCode;
import dev.annotask.store.Ids;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * PostCollaborators, ListCollaborators, PatchCollaborators, DeleteCollaborators and
 * ListCollaborations.
 *
 * <p>A collaborator's grant is the scopes asked for, cut down to what the inviting key holds
 * (Clarifai intersects them the same way); no scopes asked means the inviter's own. Users are
 * named by id (Annotask keeps no e-mail addresses). Only the app's owner adds and removes
 * collaborators and changes their scopes, with their token or a key of the app: a
 * collaborator's {@code All} grant covers the app's data, not its membership (11007 otherwise,
 * as Clarifai). Removing a collaborator takes them out of the app's tasks in the same
 * transaction ({@link CollaboratorsRemoved}); changing their scopes does not (see
 * {@link #patchCollaborators}). Both bump {@link AuthChanges}, so cached grants go at once.
 * Thread-safe.
 */
public final class CollaboratorRpcs {
    private static final int MAX_BATCH = 128;

    private final CollaboratorStore collaborators;
    private final UserStore users;
    private final AppStore apps;
    private final Set<String> knownScopes;
    private final CollaboratorsRemoved onRemoval;
    private final Clock clock;

    public CollaboratorRpcs(CollaboratorStore collaborators, UserStore users, AppStore apps, Set<String> knownScopes,
                            CollaboratorsRemoved onRemoval, Clock clock) {
        this.collaborators = collaborators;
        this.users = users;
        this.apps = apps;
        this.knownScopes = Set.copyOf(knownScopes);
        this.onRemoval = onRemoval;
        this.clock = clock;
    }

    public void register(RpcRegistry registry) {
        registry.writes("PostCollaborators", PostCollaboratorsRequest.class, this::postCollaborators);
        registry.reads("ListCollaborators", ListCollaboratorsRequest.class, this::listCollaborators);
        registry.writes("PatchCollaborators", PatchCollaboratorsRequest.class, this::patchCollaborators);
        registry.writes("DeleteCollaborators", DeleteCollaboratorsRequest.class, this::deleteCollaborators);
        registry.reads("ListCollaborations", ListCollaborationsRequest.class, this::listCollaborations);
    }

    MultiCollaboratorsResponse postCollaborators(Handle handle, Caller caller, PostCollaboratorsRequest request) {
        requireOwner(caller, "add");
        Validation.requireBatch("collaborators", request.getCollaboratorsCount(), MAX_BATCH);
        App app = caller.app();
        long now = clock.millis();
        List<Collaborator> created = new ArrayList<>();
        for (int i = 0; i < request.getCollaboratorsCount(); i++) {
            dev.annotask.proto.api.Collaborator wire = request.getCollaborators(i);
            String field = "collaborators[" + i + "]";
            String userId = Validation.requireId(field + ".user.id", wire.getUser().getId());
            if (users.find(handle, userId).isEmpty()) {
                throw ApiException.notFound(field + ".user.id: user '" + userId + "' not found");
            }
            if (userId.equals(app.ownerId())) {
                throw ApiException.invalid(field + ".user.id: the app's owner cannot be its collaborator");
            }
            KnownScopes.require(field + ".scopes", wire.getScopesList(), knownScopes);
            Set<String> asked = wire.getScopesCount() == 0 ? caller.scopes() : Set.copyOf(wire.getScopesList());
            created.add(new Collaborator(Ids.newId(), app.uid(), userId, Scopes.intersect(asked, caller.scopes()),
                    now, now, 0));
        }
        Validation.requireDistinct("collaborators[].user.id", created.stream().map(Collaborator::userId).toList());
        List<String> existing = collaborators.insertAll(handle, created);
        if (!existing.isEmpty()) {
            throw new ApiException(StatusCode.DATABASE_DUPLICATE_KEY,
                    "already collaborating on this app: " + String.join(", ", existing));
        }
        return MultiCollaboratorsResponse.newBuilder()
                .addAllCollaborators(created.stream().map(c -> IdentityWire.collaborator(c, app)).toList())
                .build();
    }

    MultiCollaboratorsResponse listCollaborators(Handle handle, Caller caller, ListCollaboratorsRequest request) {
        App app = caller.app();
        Page page = Page.of(request.getPage(), request.getPerPage());
        List<Collaborator> listed = collaborators.listByApp(handle, app.uid(), request.getListAllCollaborators(),
                page.offset(), page.limit());
        MultiCollaboratorsResponse.Builder response = MultiCollaboratorsResponse.newBuilder()
                .addAllCollaborators(listed.stream().map(c -> IdentityWire.collaborator(c, app)).toList());
        users.find(handle, app.ownerId()).ifPresent(owner -> response.setAppOwner(IdentityWire.user(owner)));
        return response.build();
    }

    /**
     * PatchCollaborators {@code overwrite} (Clarifai's only action for it): each named
     * collaborator's scopes become the ones given, checked and cut to the caller's scopes as
     * PostCollaborators does. An item names its collaboration by {@code id} or {@code user.id}.
     * The collaboration keeps its id and its place in the app's tasks: a task names active
     * collaborators whatever their scopes, as PostTasks accepts them, so narrower scopes refuse
     * the calls they no longer cover (11007) and rewrite no task (docs/COMPATIBILITY.md,
     * "Changing a collaborator's scopes"). No scopes at all is refused rather than read as
     * PostCollaborators' "the inviter's": a patch that forgot them must not widen a grant.
     */
    MultiCollaboratorsResponse patchCollaborators(Handle handle, Caller caller, PatchCollaboratorsRequest request) {
        requireOwner(caller, "change");
        if (!"overwrite".equals(request.getAction())) {
            throw ApiException.invalid("action must be 'overwrite' (the only action PatchCollaborators supports), not '"
                    + request.getAction() + "'");
        }
        Validation.requireBatch("collaborators", request.getCollaboratorsCount(), MAX_BATCH);
        App app = caller.app();
        long now = clock.millis();
        List<Collaborator> changed = new ArrayList<>();
        for (int i = 0; i < request.getCollaboratorsCount(); i++) {
            dev.annotask.proto.api.Collaborator wire = request.getCollaborators(i);
            String field = "collaborators[" + i + "]";
            Collaborator current = named(handle, app, field, wire);
            if (wire.getScopesCount() == 0) {
                throw ApiException.invalid(field + ".scopes: overwrite needs the collaborator's new scopes (at least"
                        + " one); DeleteCollaborators ends a collaboration");
            }
            KnownScopes.require(field + ".scopes", wire.getScopesList(), knownScopes);
            Set<String> granted = Scopes.intersect(Set.copyOf(wire.getScopesList()), caller.scopes());
            changed.add(new Collaborator(current.id(), current.appUid(), current.userId(), granted, current.createdAt(),
                    now, 0));
        }
        Validation.requireDistinct("collaborators[].user.id", changed.stream().map(Collaborator::userId).toList());
        Set<String> ended = collaborators.replaceScopes(handle, changed, now);
        if (!ended.isEmpty()) {
            throw ApiException.notFound("no longer collaborating on this app: " + String.join(", ", ended));
        }
        // Last in the transaction: every node's cache drops the grants it holds (docs/SECURITY.md).
        AuthChanges.bump(handle);
        return MultiCollaboratorsResponse.newBuilder()
                .addAllCollaborators(changed.stream().map(c -> IdentityWire.collaborator(c, app)).toList())
                .build();
    }

    /** The active collaboration an item of PatchCollaborators names, by {@code id} or {@code user.id} (both: agreeing). */
    private Collaborator named(Handle handle, App app, String field, dev.annotask.proto.api.Collaborator wire) {
        String id = wire.getId();
        String userId = wire.getUser().getId();
        if (!id.isEmpty()) {
            Collaborator found = collaborators.findActiveById(handle, app.uid(), id).orElseThrow(() ->
                    ApiException.notFound(field + ".id: no active collaborator '" + id + "' on this app"));
            if (!userId.isEmpty() && !userId.equals(found.userId())) {
                throw ApiException.invalid(field + ": collaborator '" + id + "' is user '" + found.userId()
                        + "', not '" + userId + "'");
            }
            return found;
        }
        if (userId.isEmpty()) {
            throw ApiException.invalid(field + ": name the collaborator by id or by user.id");
        }
        if (userId.equals(app.ownerId())) {
            throw ApiException.invalid(field + ".user.id: '" + userId + "' owns the app and is not its collaborator");
        }
        return collaborators.findActive(handle, app.uid(), userId).orElseThrow(() -> users.find(handle, userId).isEmpty()
                ? ApiException.notFound(field + ".user.id: user '" + userId + "' not found")
                : ApiException.notFound(field + ".user.id: user '" + userId + "' does not collaborate on this app"));
    }

    BaseResponse deleteCollaborators(Handle handle, Caller caller, DeleteCollaboratorsRequest request) {
        requireOwner(caller, "remove");
        if (request.getUserEmailsCount() > 0) {
            throw ApiException.invalid("user_emails is not supported: Annotask names users by id; use collaborator_ids");
        }
        Validation.requireBatch("collaborator_ids", request.getCollaboratorIdsCount(), MAX_BATCH);
        App app = caller.app();
        long now = clock.millis();
        Set<String> ended = collaborators.removeActive(handle, app.uid(), request.getCollaboratorIdsList(), now);
        if (ended.isEmpty()) {
            throw ApiException.notFound("no active collaborator matches collaborator_ids");
        }
        // In the same transaction: the tasks naming them are rewritten before anyone sees them gone.
        onRemoval.removed(handle, app, ended, now);
        AuthChanges.bump(handle);
        return BaseResponse.getDefaultInstance();
    }

    private static void requireOwner(Caller caller, String verb) {
        if (!caller.ownsApp()) {
            throw new ApiException(StatusCode.CONN_INSUFFICIENT_SCOPES,
                    "only the app's owner may " + verb + " collaborators");
        }
    }

    MultiCollaborationsResponse listCollaborations(Handle handle, Caller caller, ListCollaborationsRequest request) {
        UserAccess.requireSelf(caller);
        Page page = Page.of(request.getPage(), request.getPerPage());
        MultiCollaborationsResponse.Builder response = MultiCollaborationsResponse.newBuilder();
        for (Collaborator collaborator : collaborators.listActiveByUser(handle, caller.userId(), page.offset(), page.limit())) {
            apps.findByUid(handle, collaborator.appUid()).ifPresent(app -> response.addCollaborations(Collaboration.newBuilder()
                    .setApp(IdentityWire.app(app))
                    .setAppOwner(dev.annotask.proto.api.User.newBuilder().setId(app.ownerId()))
                    .addAllScopes(collaborator.scopes().stream().sorted().toList())
                    .setCreatedAt(com.google.protobuf.util.Timestamps.fromMillis(collaborator.createdAt()))));
        }
        return response.build();
    }
}
