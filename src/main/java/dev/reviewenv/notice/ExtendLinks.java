package dev.reviewenv.notice;

import dev.reviewenv.config.Hmac;
import dev.reviewenv.config.ReviewenvConfig;
import dev.reviewenv.naming.EnvironmentName;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;

/**
 * One-click Extend links for expiry warnings: {@code <public-url>/extend/<name>?t=<token>}. The
 * token signs (with a key derived from the API token) the environment and the {@code removeat}
 * the warning was for, and only that: it extends that environment and nothing else, it is
 * good until that {@code removeat}, and once used (or extended otherwise) it is spent, because
 * the environment's {@code removeat} has moved. It carries no secret of its own.
 */
@Singleton
public class ExtendLinks {
    private final byte[] key;
    private final String base;

    public ExtendLinks(ReviewenvConfig config) {
        this.key = Hmac.derive(config.apiToken(), "reviewenv extend links");
        String port = org.eclipse.microprofile.config.ConfigProvider.getConfig()
                .getOptionalValue("quarkus.http.port", String.class).orElse("8080");
        this.base = config.publicUrl().orElse("http://localhost:" + port).replaceAll("/+$", "");
    }

    /** The link for an environment that is to be removed at {@code removeAt}. */
    public String link(EnvironmentName name, Instant removeAt) {
        return base + "/extend/" + name.value() + "?t=" + token(name, removeAt);
    }

    /** Whether {@code token} is the link's for the environment as it is now ({@code removeAt}, {@code now}). */
    public boolean valid(EnvironmentName name, String token, Optional<Instant> removeAt, Instant now) {
        if (token == null || removeAt.isEmpty() || !now.isBefore(removeAt.get())) {
            return false;
        }
        return Hmac.same(token(name, removeAt.get()), token);
    }

    private String token(EnvironmentName name, Instant removeAt) {
        byte[] mac = Hmac.sign(key, ("extend\n" + name.value() + "\n" + removeAt.getEpochSecond()).getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(mac, 0, 20);
    }

}
