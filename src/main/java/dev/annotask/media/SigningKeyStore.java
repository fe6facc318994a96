package dev.annotask.media;

import dev.annotask.store.ServerSecrets;
import org.jdbi.v3.core.Jdbi;

/**
 * The key that signs media URLs, one of the {@link ServerSecrets}, so that all nodes on one
 * database accept the URLs any of them signed, and URLs survive a restart until they expire.
 * Thread-safe.
 */
public final class SigningKeyStore {
    static final String MEDIA_URL_KEY = "media-url";
    private static final int KEY_BYTES = 32;

    private final ServerSecrets secrets;

    public SigningKeyStore(Jdbi jdbi) {
        this.secrets = new ServerSecrets(jdbi);
    }

    /** The media URL key: the stored one, or a new random one stored now. */
    public byte[] mediaUrlKey() {
        return secrets.getOrCreate(MEDIA_URL_KEY, KEY_BYTES);
    }
}
