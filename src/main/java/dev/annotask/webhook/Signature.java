package dev.annotask.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@code Annotask-Signature} header: {@code t=<unix seconds>,v1=<hex HMAC-SHA256 of
 * "<t>.<raw body>">} under the subscription's secret. The time inside the signed text lets a
 * receiver refuse a replayed old delivery; the raw body (not a re-serialization) is what a
 * receiver has in hand before parsing it.
 */
final class Signature {
    static final String HEADER = "Annotask-Signature";

    private Signature() {
    }

    static String header(byte[] secret, long unixSeconds, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            byte[] digest = mac.doFinal((unixSeconds + "." + body).getBytes(StandardCharsets.UTF_8));
            return "t=" + unixSeconds + ",v1=" + HexFormat.of().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }
}
