package dev.annotask.identity;

/**
 * A person who owns apps, labels, reviews or administers. Ids are chosen by the admin.
 *
 * @param disabledAt when the admin disabled the user (epoch ms), 0 while enabled: a disabled
 *     user's keys are refused, everything else of theirs is kept
 */
public record User(String id, String firstName, String lastName, String companyName, boolean admin,
                   long createdAt, long disabledAt) {

    /** An enabled user. */
    public User(String id, String firstName, String lastName, String companyName, boolean admin, long createdAt) {
        this(id, firstName, lastName, companyName, admin, createdAt, 0);
    }

    public boolean disabled() {
        return disabledAt != 0;
    }
}
