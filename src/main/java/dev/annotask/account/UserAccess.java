package dev.annotask.account;

import dev.annotask.api.ApiException;
import dev.annotask.identity.Caller;
import dev.annotask.proto.api.status.StatusCode;

/** The rule for RPCs under {@code /v2/users/{user_id}}: a key acts for its own user only. */
final class UserAccess {
    private UserAccess() {
    }

    static void requireSelf(Caller caller) {
        if (!caller.actsAsSelf()) {
            throw new ApiException(StatusCode.CONN_KEY_INVALID,
                    "This key may not act for user '" + caller.targetUserId() + "'.");
        }
    }

    /** Like {@link #requireSelf} but lets the admin act for any user. */
    static void requireSelfOrAdmin(Caller caller) {
        if (!caller.isAdmin()) {
            requireSelf(caller);
        }
    }
}
