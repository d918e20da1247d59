package dev.reviewenv.api;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import dev.reviewenv.config.Hmac;
import dev.reviewenv.config.ReviewenvConfig;
import jakarta.inject.Singleton;
import dev.reviewenv.engine.fs.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.commons.codec.digest.Md5Crypt;

/**
 * Who may use the dashboard: whoever signs in with the API token, or as one of the
 * {@code reviewenv.basic-auth} users (bcrypt or apr1 hashes, as htpasswd writes them). A sign-in
 * becomes a session cookie ({@link #COOKIE}: the user, an expiry and a random session id, signed
 * with a key derived from the API token; HttpOnly, SameSite=Strict), so the token never sits in a
 * page or a URL. Signing out revokes the session id until the cookie would have expired anyway
 * (kept in {@code <home>/.reviewenv-revoked-sessions}, so a restart does not bring it back).
 * A password check costs one hash whether the user exists or not, so user names cannot be told
 * apart by the time an answer takes.
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
    private final SecureRandom random = new SecureRandom();
    /** Revoked session ids and when their cookie expires. */
    private final Map<String, Long> revoked = new ConcurrentHashMap<>();
    private final Path revokedFile;
    /** What an unknown user's password is checked against: a hash of the same kind and cost as the users' own (made when first needed). */
    private volatile String decoy;

    private final Counter checks;

    public Sessions(ReviewenvConfig config, Clock clock, MeterRegistry meters) {
        this.checks = Counter.builder("reviewenv.sign-in.checks").description("password hashes computed for sign-ins").register(meters);
        this.config = config;
        this.clock = clock;
        this.key = Hmac.derive(config.apiToken(), "reviewenv sessions");
        this.revokedFile = config.home().resolve(".reviewenv-revoked-sessions");
        load();
    }

    /** Whether {@code token} is the API token (compared in constant time). */
    public boolean isApiToken(String token) {
        return token != null && MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8),
                config.apiToken().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Whether {@code user} with {@code password} is one of the {@code reviewenv.basic-auth} users.
     * Exactly one hash is computed either way (an unknown user's password against {@link #decoy}).
     * It takes tens of milliseconds: call it on a worker thread, never on the event loop.
     */
    public boolean isUser(String user, String password) {
        List<String> users = config.basicAuth().orElse(List.of());
        if (user == null || password == null || users.isEmpty()) {
            return false;
        }
        for (String entry : users) {
            int colon = entry.indexOf(':');
            if (colon > 0 && entry.substring(0, colon).equals(user)) {
                checks.increment();
                return matches(password, entry.substring(colon + 1));
            }
        }
        if (decoy == null) {
            decoy = decoy(users);
            if (decoy == null) {
                return false; // no hash of a kind this service checks: nobody can sign in as a user
            }
        }
        checks.increment();
        matches(password, decoy);
        return false;
    }

    /** A hash of the kind and cost of the users' own (the highest bcrypt cost among them); none without users. */
    private static String decoy(List<String> entries) {
        int cost = -1;
        boolean apr1 = false;
        for (String entry : entries) {
            String hash = entry.substring(entry.indexOf(':') + 1);
            if (hash.startsWith("$apr1$")) {
                apr1 = true;
            } else if (hash.matches("\\$2[abxy]?\\$\\d\\d\\$.*")) {
                cost = Math.max(cost, Integer.parseInt(hash.substring(hash.indexOf('$', 1) + 1, hash.indexOf('$', 1) + 3)));
            }
        }
        if (cost > 0) {
            return new String(BCrypt.withDefaults().hash(cost, "reviewenv decoy".toCharArray()), StandardCharsets.US_ASCII);
        }
        return apr1 ? Md5Crypt.apr1Crypt("reviewenv decoy") : null;
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
        byte[] id = new byte[16];
        random.nextBytes(id);
        String body = user + "|" + until + "|" + HexFormat.of().formatHex(id);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(body.getBytes(StandardCharsets.UTF_8)) + "." + sign(body);
    }

    /** The user of a session cookie that is genuine, not expired and not signed out. */
    public Optional<String> user(String cookie) {
        return session(cookie).map(Session::user);
    }

    /** Ends the session of {@code cookie} for good: the same cookie is refused from now on. */
    public void revoke(String cookie) {
        Optional<Session> s = session(cookie);
        if (s.isEmpty()) {
            return;
        }
        long now = clock.instant().getEpochSecond();
        synchronized (revoked) {
            revoked.values().removeIf(until -> until <= now);
            revoked.put(s.get().id(), s.get().until());
            StringBuilder lines = new StringBuilder();
            revoked.forEach((id, until) -> lines.append(id).append(' ').append(until).append('\n'));
            AtomicFiles.write(revokedFile, lines.toString().getBytes(StandardCharsets.US_ASCII));
        }
    }

    private record Session(String user, long until, String id) {
    }

    private Optional<Session> session(String cookie) {
        if (cookie == null || cookie.indexOf('.') < 0) {
            return Optional.empty();
        }
        try {
            String body = new String(Base64.getUrlDecoder().decode(cookie.substring(0, cookie.indexOf('.'))), StandardCharsets.UTF_8);
            String sig = cookie.substring(cookie.indexOf('.') + 1);
            if (!Hmac.same(sign(body), sig)) {
                return Optional.empty();
            }
            int idBar = body.lastIndexOf('|');
            int untilBar = body.lastIndexOf('|', idBar - 1);
            if (untilBar < 0) {
                return Optional.empty();
            }
            Session s = new Session(body.substring(0, untilBar), Long.parseLong(body.substring(untilBar + 1, idBar)), body.substring(idBar + 1));
            return s.until() > clock.instant().getEpochSecond() && !revoked.containsKey(s.id()) ? Optional.of(s) : Optional.empty();
        } catch (IllegalArgumentException malformed) {
            return Optional.empty();
        }
    }

    /** The revocations still in force, from the file a sign-out writes. */
    private void load() {
        if (!Files.isRegularFile(revokedFile)) {
            return;
        }
        long now = clock.instant().getEpochSecond();
        try {
            for (String line : Files.readAllLines(revokedFile, StandardCharsets.US_ASCII)) {
                String[] f = line.trim().split(" ");
                if (f.length == 2 && f[1].matches("\\d{1,19}") && Long.parseLong(f[1]) > now) {
                    revoked.put(f[0], Long.parseLong(f[1]));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + revokedFile + " (the sessions signed out; delete it to forget them)", e);
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
