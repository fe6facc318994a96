package dev.annotask.account;

import dev.annotask.api.ApiException;
import java.util.Collection;
import java.util.Set;

/** The check that a key or collaborator grant names only scopes the server knows. Stateless. */
final class KnownScopes {
    private KnownScopes() {
    }

    /** Requires every scope to be one the server knows; the refusal names the field and the scope. */
    static void require(String field, Collection<String> scopes, Set<String> known) {
        for (String scope : scopes) {
            if (!known.contains(scope)) {
                throw ApiException.invalid(field + " has an unknown scope '" + scope + "'");
            }
        }
    }
}
