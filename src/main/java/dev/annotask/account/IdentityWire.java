package dev.annotask.account;

import com.google.protobuf.Struct;
import com.google.protobuf.util.JsonFormat;
import com.google.protobuf.util.Timestamps;
import dev.annotask.identity.ApiKey;
import dev.annotask.proto.api.App;
import dev.annotask.proto.api.Collaborator;
import dev.annotask.proto.api.Key;
import dev.annotask.proto.api.User;
import java.util.function.Function;

/** Maps identity records to their wire messages. Stateless. */
final class IdentityWire {
    private IdentityWire() {
    }

    static User user(dev.annotask.identity.User user) {
        return User.newBuilder()
                .setId(user.id())
                .setFirstName(user.firstName())
                .setLastName(user.lastName())
                .setCompanyName(user.companyName())
                .setCreatedAt(Timestamps.fromMillis(user.createdAt()))
                .build();
    }

    static App app(dev.annotask.identity.App app) {
        App.Builder wire = App.newBuilder()
                .setId(app.id())
                .setUserId(app.ownerId())
                .setName(app.name())
                .setDescription(app.description())
                .setDefaultLanguage(app.defaultLanguage())
                .setNotes(app.notes())
                .setCreatedAt(Timestamps.fromMillis(app.createdAt()))
                .setModifiedAt(Timestamps.fromMillis(app.modifiedAt()));
        if (app.metadataJson() != null) {
            wire.setMetadata(struct(app.metadataJson()));
        }
        return wire.build();
    }

    /**
     * A key as listings show it: the fingerprint stands in the {@code id}, because the secret
     * is not stored and is shown only once, when the key is made.
     */
    static Key key(ApiKey key, Function<String, dev.annotask.identity.App> appsByUid) {
        Key.Builder wire = Key.newBuilder()
                .setId(key.fingerprint())
                .setDescription(key.description())
                .addAllScopes(key.scopes().stream().sorted().toList())
                .setType(key.type().wireName())
                .setCreatedAt(Timestamps.fromMillis(key.createdAt()));
        if (key.expiresAt() > 0) {
            wire.setExpiresAt(Timestamps.fromMillis(key.expiresAt()));
        }
        if (key.appUid() != null) {
            dev.annotask.identity.App app = appsByUid.apply(key.appUid());
            if (app != null) {
                wire.addApps(App.newBuilder().setId(app.id()).setUserId(app.ownerId()));
            }
        }
        return wire.build();
    }

    static Collaborator collaborator(dev.annotask.identity.Collaborator collaborator,
                                     dev.annotask.identity.App app) {
        Collaborator.Builder wire = Collaborator.newBuilder()
                .setId(collaborator.id())
                .setApp(App.newBuilder().setId(app.id()).setUserId(app.ownerId()))
                .setUser(User.newBuilder().setId(collaborator.userId()))
                .addAllScopes(collaborator.scopes().stream().sorted().toList())
                .setCreatedAt(Timestamps.fromMillis(collaborator.createdAt()))
                .setModifiedAt(Timestamps.fromMillis(collaborator.modifiedAt()));
        if (!collaborator.active()) {
            wire.setDeletedAt(Timestamps.fromMillis(collaborator.deletedAt()));
        }
        return wire.build();
    }

    static String json(Struct struct) {
        try {
            return JsonFormat.printer().omittingInsignificantWhitespace().print(struct);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalStateException("a Struct always prints", e);
        }
    }

    private static Struct struct(String json) {
        try {
            Struct.Builder struct = Struct.newBuilder();
            JsonFormat.parser().merge(json, struct);
            return struct.build();
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalStateException("stored metadata is not a JSON object", e);
        }
    }
}
