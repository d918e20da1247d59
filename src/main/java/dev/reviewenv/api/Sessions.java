package dev.reviewenv.api;

import at.favre.lib.crypto.bcrypt.BCrypt;
import dev.reviewenv.config.Hmac;
import dev.reviewenv.config.ReviewenvConfig;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.apache.commons.codec.digest.Md5Crypt;

/**
 * Who may use the dashboard: whoever signs in with the API token, or as one of the
 * {@code reviewenv.basic-auth} users (bcrypt or apr1 hashes, as htpasswd writes them). A sign-in
 * becomes a session cookie ({@link #COOKIE}: the user and an expiry, signed with a key derived
 * from the API token; HttpOnly, SameSite=Strict), so the token never sits in a page or a URL.
 */
@Singleton
public class Sessions {
    public static final String COOKIE = "reviewenv_session";
    /** The header every state-changing request signed in by cookie must carry (a cross-site form cannot). */
    public static final String CSRF_HEADER = "X-Requested-With";
    public static final String CSRF_VALUE = "reviewenv";

    private final ReviewenvConfig config;
    private final Clock clock;
    private final byte[] key;

    public Sessions(ReviewenvConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.key = Hmac.derive(config.apiToken(), "reviewenv sessions");
    }

    /** Whether {@code token} is the API token (compared in constant time). */
    public boolean isApiToken(String token) {
        return token != null && MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8),
                config.apiToken().getBytes(StandardCharsets.UTF_8));
    }

    /** Whether {@code user} with {@code password} is one of the {@code reviewenv.basic-auth} users. */
    public boolean isUser(String user, String password) {
        if (user == null || password == null) {
            return false;
        }
        for (String entry : config.basicAuth().orElse(List.of())) {
            int colon = entry.indexOf(':');
            if (colon > 0 && entry.substring(0, colon).equals(user) && matches(password, entry.substring(colon + 1))) {
                return true;
            }
        }
        return false;
    }

    private static boolean matches(String password, String hash) {
        if (hash.startsWith("$apr1$")) {
            return MessageDigest.isEqual(Md5Crypt.apr1Crypt(password.getBytes(StandardCharsets.UTF_8), hash)
                    .getBytes(StandardCharsets.US_ASCII), hash.getBytes(StandardCharsets.US_ASCII));
        }
        return BCrypt.verifyer().verify(password.getBytes(StandardCharsets.UTF_8), hash.getBytes(StandardCharsets.US_ASCII)).verified;
    }

    /** A new session cookie's value for {@code user}. */
    public String open(String user) {
        long until = clock.instant().plus(config.session().lifetime()).getEpochSecond();
        String body = user + "|" + until;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(body.getBytes(StandardCharsets.UTF_8)) + "." + sign(body);
    }

    /** The user of a session cookie that is genuine and not expired. */
    public Optional<String> user(String cookie) {
        if (cookie == null || cookie.indexOf('.') < 0) {
            return Optional.empty();
        }
        try {
            String body = new String(Base64.getUrlDecoder().decode(cookie.substring(0, cookie.indexOf('.'))), StandardCharsets.UTF_8);
            String sig = cookie.substring(cookie.indexOf('.') + 1);
            if (!Hmac.same(sign(body), sig)) {
                return Optional.empty();
            }
            int bar = body.lastIndexOf('|');
            return Instant.ofEpochSecond(Long.parseLong(body.substring(bar + 1))).isAfter(clock.instant())
                    ? Optional.of(body.substring(0, bar)) : Optional.empty();
        } catch (IllegalArgumentException malformed) {
            return Optional.empty();
        }
    }

    /** The {@code Set-Cookie} header for a session (or, with {@code null}, for signing out). */
    public String cookie(String value) {
        boolean secure = config.publicUrl().map(u -> u.startsWith("https:")).orElse(config.tls());
        return COOKIE + "=" + (value == null ? "" : value) + "; Path=/; HttpOnly; SameSite=Strict"
                + (secure ? "; Secure" : "") + "; Max-Age=" + (value == null ? 0 : config.session().lifetime().toSeconds());
    }

    private String sign(String body) {
        return HexFormat.of().formatHex(Hmac.sign(key, body.getBytes(StandardCharsets.UTF_8)));
    }

}
