package dev.annotask.migrate;

/** A migration that must not start (or go on); the message tells the operator why, and nothing was written. */
final class MigrationRefused extends RuntimeException {
    MigrationRefused(String message) {
        super(message);
    }
}
