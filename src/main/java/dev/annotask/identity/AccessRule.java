package dev.annotask.identity;

import java.util.List;

/**
 * What an RPC asks of its caller, read from the method's options in the proto schema.
 *
 * @param auth which credentials may call it
 * @param level whether it acts on one app, on one user, or on neither
 * @param requiredScopes every scope the caller's effective set must grant
 */
public record AccessRule(Auth auth, Level level, List<String> requiredScopes) {

    /** Clarifai's {@code cl_auth_type}. */
    public enum Auth {
        /** App key or personal access token. */
        KEY,
        /** Personal access token only. */
        PAT,
        /** Public. */
        NONE
    }

    /** Where the RPC's path puts it: under an app, under a user, or at the top. */
    public enum Level {
        APP,
        USER,
        GLOBAL
    }

    public AccessRule {
        requiredScopes = List.copyOf(requiredScopes);
    }
}
