package dev.annotask.identity;

/** A person who owns apps, labels, reviews or administers. Ids are chosen by the admin. */
public record User(String id, String firstName, String lastName, String companyName, boolean admin,
                   long createdAt) {
}
