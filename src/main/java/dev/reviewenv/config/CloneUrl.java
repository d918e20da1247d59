package dev.reviewenv.config;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;

/**
 * A repository's {@code clone-url}, made valid once: {@code https://}, or plain {@code http://} only
 * where no token would cross a network (no token, or a loopback host: a forge on this host, and the
 * tests). No credentials in the URL itself (they belong in {@code clone-token}, which is masked), and
 * no other scheme ({@code file://} would read this host's disk).
 */
public record CloneUrl(URI uri) {
    /** The URL of {@code text}, or throws {@link IllegalArgumentException} saying what is wrong and what to write. */
    public static CloneUrl parse(String text, boolean withToken) {
        if (text.strip().matches("[\\w.-]+@[\\w.-]+:.*")) {
            throw new IllegalArgumentException("'" + text + "': fetching over SSH (clone-key) is not there yet; use the forge's"
                    + " https:// URL with clone-token");
        }
        URI uri;
        try {
            uri = new URI(text.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + text + "' is not a URL; write it as https://git.example.com/team/shop.git");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals("ssh")) {
            throw new IllegalArgumentException("'" + text + "': fetching over SSH (clone-key) is not there yet; use the forge's"
                    + " https:// URL with clone-token");
        }
        if (!scheme.equals("https") && !scheme.equals("http") || uri.getHost() == null) {
            throw new IllegalArgumentException("'" + text + "' is not an https:// URL of a repository; write it as"
                    + " https://git.example.com/team/shop.git");
        }
        if (uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("the URL carries credentials; write it without them and put the token in"
                    + " clone-token (which is never shown)");
        }
        CloneUrl url = new CloneUrl(uri);
        if (scheme.equals("http") && withToken && !url.loopback()) {
            throw new IllegalArgumentException("'" + text + "': a token is never sent over plain http:// to another host; use"
                    + " https://");
        }
        return url;
    }

    /** Whether the host is this one (a loopback address, or localhost). */
    public boolean loopback() {
        String host = uri.getHost().replaceAll("^\\[|\\]$", "");
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!host.matches("[0-9.]+|[0-9a-fA-F]*:[0-9a-fA-F:]*")) {
            return false; // a name is not resolved here: only literal loopback addresses count
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** The host, for messages ("the forge at git.example.com"). */
    public String host() {
        return uri.getHost();
    }

    /**
     * The user name sent with a token: {@code configured}, else what the forge at this host expects
     * ({@code x-access-token} for GitHub, {@code oauth2} for a GitLab); empty: the token is the user name (Gitea).
     */
    public Optional<String> tokenUser(Optional<String> configured) {
        if (configured.isPresent()) {
            return configured;
        }
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        if (host.equals("github.com") || host.endsWith(".github.com")) {
            return Optional.of("x-access-token");
        }
        if (host.contains("gitlab")) {
            return Optional.of("oauth2");
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return uri.toString();
    }
}
