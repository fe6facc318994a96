package dev.annotask.account;

import dev.annotask.api.ApiException;
import dev.annotask.api.RpcRegistry;
import dev.annotask.api.Validation;
import dev.annotask.identity.Caller;
import dev.annotask.identity.User;
import dev.annotask.identity.UserStore;
import dev.annotask.proto.admin.MultiUserResponse;
import dev.annotask.proto.admin.PostUsersRequest;
import dev.annotask.proto.api.GetUserRequest;
import dev.annotask.proto.api.SingleUserResponse;
import dev.annotask.proto.api.status.StatusCode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * GetUser, and the admin-only PostUsers extension ({@code POST /v2/users}) that stands in for
 * Clarifai's sign-up: Annotask has no accounts of its own, the admin makes them. A user may
 * read only their own record; the admin may read any. Thread-safe.
 */
public final class UserRpcs {
    private static final int MAX_BATCH = 128;

    private final UserStore users;
    private final Clock clock;

    public UserRpcs(UserStore users, Clock clock) {
        this.users = users;
        this.clock = clock;
    }

    public void register(RpcRegistry registry) {
        registry.reads("GetUser", GetUserRequest.class, this::getUser);
        registry.writes("PostUsers", PostUsersRequest.class, this::postUsers);
    }

    SingleUserResponse getUser(Handle handle, Caller caller, GetUserRequest request) {
        if (!caller.actsAsSelf() && !caller.isAdmin()) {
            throw ApiException.notFound("user '" + caller.targetUserId() + "' not found");
        }
        User user = users.find(handle, caller.targetUserId()).orElseThrow(() ->
                ApiException.notFound("user '" + caller.targetUserId() + "' not found"));
        return SingleUserResponse.newBuilder().setUser(IdentityWire.user(user)).build();
    }

    MultiUserResponse postUsers(Handle handle, Caller caller, PostUsersRequest request) {
        if (!caller.isAdmin()) {
            throw new ApiException(StatusCode.CONN_INSUFFICIENT_SCOPES, "only the admin may create users");
        }
        Validation.requireBatch("users", request.getUsersCount(), MAX_BATCH);
        long now = clock.millis();
        List<User> created = new ArrayList<>();
        for (int i = 0; i < request.getUsersCount(); i++) {
            dev.annotask.proto.api.User wire = request.getUsers(i);
            String id = Validation.requireId("users[" + i + "].id", wire.getId());
            if ("me".equals(id)) {
                throw ApiException.invalid("users[" + i + "].id: 'me' is reserved for the calling user");
            }
            created.add(new User(id, wire.getFirstName(), wire.getLastName(), wire.getCompanyName(), false, now));
        }
        Validation.requireUniqueNewIds("users[].id", created.stream().map(User::id).toList());
        List<String> taken = users.insertAll(handle, created);
        if (!taken.isEmpty()) {
            throw new ApiException(StatusCode.DATABASE_DUPLICATE_KEY, "user id already exists: " + String.join(", ", taken));
        }
        return MultiUserResponse.newBuilder().addAllUsers(created.stream().map(IdentityWire::user).toList()).build();
    }
}
