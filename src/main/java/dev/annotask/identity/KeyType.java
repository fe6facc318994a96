package dev.annotask.identity;

import java.util.Optional;

/** The two kinds of Clarifai key, spelled as {@code Key.type} spells them on the wire. */
public enum KeyType {
    /** Bound to one app of its owner; calls need no user or app id. */
    APP_SPECIFIC_KEY("app_specific_key"),
    /** Bound to its user; reaches every app the user owns or collaborates on, named per call. */
    PERSONAL_ACCESS_TOKEN("personal_access_token");

    private final String wireName;

    KeyType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** The type named on the wire; an empty name means an app key, as in Clarifai. */
    public static Optional<KeyType> fromWire(String name) {
        if (name == null || name.isEmpty()) {
            return Optional.of(APP_SPECIFIC_KEY);
        }
        for (KeyType type : values()) {
            if (type.wireName.equals(name)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }
}
