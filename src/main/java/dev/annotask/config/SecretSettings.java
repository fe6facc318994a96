package dev.annotask.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The secrets an operator gives the server (the admin token, the metrics token): where they
 * come from and what is accepted.
 *
 * <p>Each comes from a flag, its environment variable, or a file named by {@code --…-file}
 * (so it need not appear in {@code ps}); one source at most. A file holds the token alone; one
 * final line break is dropped, nothing else. Accepted: 20 to 256 printable ASCII characters
 * without spaces. The length is the floor against guessing (a generated key is 32 hex
 * characters); printable ASCII is what an HTTP header and gRPC metadata carry unchanged; and a
 * space at either end would be trimmed from the {@code Authorization} header, so such a token
 * could never match. Stateless.
 */
public final class SecretSettings {
    public static final int MIN_TOKEN_LENGTH = 20;
    public static final int MAX_TOKEN_LENGTH = 256;
    private static final Logger LOG = LoggerFactory.getLogger(SecretSettings.class);

    private SecretSettings() {
    }

    /**
     * The token given by the flag (or its environment variable) or the file, checked; null when
     * neither is set. An empty value counts as not set (an exported but empty variable).
     */
    public static String resolve(String flag, String value, Path file) {
        boolean hasValue = value != null && !value.isEmpty();
        if (hasValue && file != null) {
            throw new InvalidSetting(flag + " and " + flag + "-file are both set (flag or environment); give one");
        }
        String token = file != null ? read(flag + "-file", file) : hasValue ? value : null;
        requireStrong(flag, token);
        return token;
    }

    /** Refuses a token that breaks the rules in the class comment; null passes (no token). */
    public static void requireStrong(String flag, String token) {
        if (token == null) {
            return;
        }
        if (!token.equals(token.strip())) {
            throw new InvalidSetting(flag + " has leading or trailing whitespace; remove it");
        }
        if (token.length() < MIN_TOKEN_LENGTH) {
            throw new InvalidSetting(flag + " is too short: at least " + MIN_TOKEN_LENGTH + " characters (e.g. "
                    + "`openssl rand -hex 16`), it has " + token.length());
        }
        if (token.length() > MAX_TOKEN_LENGTH) {
            throw new InvalidSetting(flag + " is too long: at most " + MAX_TOKEN_LENGTH + " characters");
        }
        if (!token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new InvalidSetting(flag + " may hold only printable ASCII characters without spaces");
        }
    }

    private static String read(String fileFlag, Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new InvalidSetting(fileFlag + " " + file + " cannot be read: " + e.getMessage());
        }
        warnIfOthersMayRead(fileFlag, file);
        if (text.endsWith("\r\n")) {
            return text.substring(0, text.length() - 2);
        }
        return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    }

    private static void warnIfOthersMayRead(String fileFlag, Path file) {
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            if (permissions.contains(PosixFilePermission.GROUP_READ) || permissions.contains(PosixFilePermission.OTHERS_READ)) {
                LOG.warn("{} {} is readable by other users than its owner; chmod 600 it", fileFlag, file);
            }
        } catch (IOException | UnsupportedOperationException e) {
            // Not a POSIX file system: nothing to check.
        }
    }
}
