package dev.annotask.account;

import com.google.protobuf.util.Timestamps;
import dev.annotask.api.ApiException;
import dev.annotask.api.Page;
import dev.annotask.api.RpcRegistry;
import dev.annotask.api.Validation;
import dev.annotask.identity.AuthChanges;
import dev.annotask.identity.Caller;
import dev.annotask.identity.User;
import dev.annotask.identity.UserStore;
import dev.annotask.proto.admin.ListUsersRequest;
import dev.annotask.proto.admin.MultiUserAccountResponse;
import dev.annotask.proto.admin.MultiUserResponse;
import dev.annotask.proto.admin.PatchUsersRequest;
import dev.annotask.proto.admin.PostUsersRequest;
import dev.annotask.proto.admin.UserAccount;
import dev.annotask.proto.api.GetUserRequest;
import dev.annotask.proto.api.SingleUserResponse;
import dev.annotask.proto.api.status.StatusCode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * GetUser, and the admin-only extensions under {@code /v2/users} that stand in for Clarifai's
 * sign-up and account pages: PostUsers, ListUsers and PatchUsers (disable, enable). Annotask
 * has no accounts of its own, the admin makes them. A user may read only their own record; the
 * admin may read any. Thread-safe.
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
        registry.reads("ListUsers", ListUsersRequest.class, this::listUsers);
        registry.writes("PatchUsers", PatchUsersRequest.class, this::patchUsers);
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
        requireAdmin(caller, "create users");
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

    MultiUserAccountResponse listUsers(Handle handle, Caller caller, ListUsersRequest request) {
        requireAdmin(caller, "list users");
        Page page = Page.of(request.getPage(), request.getPerPage());
        return MultiUserAccountResponse.newBuilder()
                .addAllUserAccounts(users.list(handle, page.offset(), page.limit()).stream().map(UserRpcs::account).toList())
                .build();
    }

    /**
     * Sets each named user's {@code disabled}. The admin cannot disable an admin (that would
     * lock the server's administration out; {@code annotask admin-token} replaces a lost token
     * instead). Bumps {@link AuthChanges} last, so every node stops honouring a disabled
     * user's cached keys at once (docs/SECURITY.md, "Disabled users").
     */
    MultiUserAccountResponse patchUsers(Handle handle, Caller caller, PatchUsersRequest request) {
        requireAdmin(caller, "disable or enable users");
        if (!"overwrite".equals(request.getAction())) {
            throw ApiException.invalid("action must be 'overwrite' (the only action PatchUsers supports), not '"
                    + request.getAction() + "'");
        }
        Validation.requireBatch("user_accounts", request.getUserAccountsCount(), MAX_BATCH);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < request.getUserAccountsCount(); i++) {
            ids.add(Validation.requireId("user_accounts[" + i + "].user.id", request.getUserAccounts(i).getUser().getId()));
        }
        Validation.requireDistinct("user_accounts[].user.id", ids);
        long now = clock.millis();
        for (int i = 0; i < ids.size(); i++) {
            String field = "user_accounts[" + i + "].user.id";
            String id = ids.get(i);
            boolean disable = request.getUserAccounts(i).getDisabled();
            User user = users.find(handle, id).orElseThrow(() -> ApiException.notFound(field + ": user '" + id + "' not found"));
            if (user.admin() && disable) {
                throw ApiException.invalid(field + ": '" + id + "' is an admin and cannot be disabled");
            }
            users.setDisabledAt(handle, id, disable ? now : 0);
        }
        // Last in the transaction: every node's cache drops the keys it holds (docs/SECURITY.md).
        AuthChanges.bump(handle);
        MultiUserAccountResponse.Builder response = MultiUserAccountResponse.newBuilder();
        ids.forEach(id -> response.addUserAccounts(account(users.find(handle, id).orElseThrow())));
        return response.build();
    }

    private static UserAccount account(User user) {
        UserAccount.Builder account = UserAccount.newBuilder().setUser(IdentityWire.user(user)).setDisabled(user.disabled());
        if (user.disabled()) {
            account.setDisabledAt(Timestamps.fromMillis(user.disabledAt()));
        }
        return account.build();
    }

    private static void requireAdmin(Caller caller, String what) {
        if (!caller.isAdmin()) {
            throw new ApiException(StatusCode.CONN_INSUFFICIENT_SCOPES, "only the admin may " + what);
        }
    }
}
