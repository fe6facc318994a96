package dev.annotask.media;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs and checks media URLs: {@code /media/{app_uid}/{input_id}?exp={epoch seconds}&sig={mac}},
 * where mac is HMAC-SHA256 over app, input and expiry (base64url, no padding). A URL names one
 * input's bytes and works until {@code exp}; anyone holding it may load them, which is why it
 * expires within minutes and carries no credential of its caller. Immutable, thread-safe.
 */
public final class MediaUrlSigner {
    /** How long a signed URL stays valid: long enough to label a batch, short enough to leak little. */
    public static final Duration LIFETIME = Duration.ofMinutes(10);
    private static final String ALGORITHM = "HmacSHA256";

    private final SecretKeySpec key;
    private final Clock clock;

    public MediaUrlSigner(byte[] key, Clock clock) {
        this.key = new SecretKeySpec(key.clone(), ALGORITHM);
        this.clock = clock;
    }

    /** A signed URL and when it stops working (epoch seconds). */
    public record SignedUrl(String url, long expiresAtSeconds) {
    }

    public SignedUrl sign(String appUid, String inputId) {
        long exp = clock.instant().plus(LIFETIME).getEpochSecond();
        String url = "/media/" + encode(appUid) + "/" + encode(inputId) + "?exp=" + exp + "&sig="
                + mac(appUid, inputId, exp);
        return new SignedUrl(url, exp);
    }

    /** True when {@code sig} is this server's signature of the three values and {@code exp} has not passed. */
    public boolean verify(String appUid, String inputId, long exp, String sig) {
        if (exp < clock.instant().getEpochSecond()) {
            return false;
        }
        byte[] expected = mac(appUid, inputId, exp).getBytes(StandardCharsets.US_ASCII);
        // Constant time, so the signature cannot be guessed byte by byte from response times.
        return MessageDigest.isEqual(expected, sig.getBytes(StandardCharsets.US_ASCII));
    }

    /** Seconds until a URL expiring at {@code exp} stops working; 0 once it has. */
    public long secondsLeft(long exp) {
        return Math.max(0, exp - clock.instant().getEpochSecond());
    }

    private String mac(String appUid, String inputId, long exp) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            // Lengths first, so that no two (app, input) pairs sign the same text.
            String text = "media/v1\n" + appUid.length() + ":" + appUid + "\n" + inputId.length() + ":" + inputId
                    + "\n" + exp;
            return Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("every Java runtime has " + ALGORITHM, e);
        }
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
