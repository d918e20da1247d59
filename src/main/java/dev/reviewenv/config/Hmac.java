package dev.reviewenv.config;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256, the one signature reviewenv makes and checks: webhook bodies, the hook's spool,
 * dashboard sessions and Extend links. Keys for the service's own signatures are derived from
 * the API token, one per purpose, so that none can stand in for another.
 */
public final class Hmac {
    private Hmac() {
    }

    /** HMAC-SHA256 of {@code message} under {@code key}. */
    public static byte[] sign(byte[] key, byte[] message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /** A key for one {@code purpose}, derived from {@code secret}. */
    public static byte[] derive(String secret, String purpose) {
        return sign(secret.getBytes(StandardCharsets.UTF_8), purpose.getBytes(StandardCharsets.UTF_8));
    }

    /** Whether two signatures (as text) are equal, in constant time. */
    public static boolean same(String expected, String given) {
        return given != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                given.getBytes(StandardCharsets.US_ASCII));
    }
}
