package dev.reviewenv.config;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;

/**
 * A repository's {@code clone-url}, made valid once: {@code https://}, plain {@code http://} only
 * where no token would cross a network (no token, or a loopback host: a forge on this host, and the
 * tests), or SSH ({@code ssh://git@host/team/shop.git}, or {@code git@host:team/shop.git}, kept as
 * {@code ssh://}) with a {@code clone-key}. No password in the URL (a token belongs in
 * {@code clone-token}, which is masked), and no other scheme ({@code file://} would read this
 * host's disk).
 */
public record CloneUrl(URI uri) {
    /**
     * The URL of {@code text}, or throws {@link IllegalArgumentException} saying what is wrong and
     * what to write; {@code withToken}, {@code withKey}: a token or an SSH key is configured for it.
     */
    public static CloneUrl parse(String text, boolean withToken, boolean withKey) {
        String given = text.strip();
        java.util.regex.Matcher scp = java.util.regex.Pattern.compile("([\\w.-]+)@([\\w.-]+):(?!//)(.+)").matcher(given);
        if (scp.matches()) {
            given = "ssh://" + scp.group(1) + "@" + scp.group(2) + "/" + scp.group(3);
        }
        URI uri;
        try {
            uri = new URI(given);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + text + "' is not a URL; write it as https://git.example.com/team/shop.git");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("https") || scheme.equals("http") || scheme.equals("ssh"))
                || uri.getHost() == null) {
            throw new IllegalArgumentException("'" + text + "' is not an https:// or ssh:// URL of a repository; write it as"
                    + " https://git.example.com/team/shop.git");
        }
        if (uri.getRawUserInfo() != null && (!scheme.equals("ssh") || uri.getRawUserInfo().contains(":"))) {
            throw new IllegalArgumentException("the URL carries credentials; write it without them and put the token in"
                    + " clone-token (which is never shown)");
        }
        CloneUrl url = new CloneUrl(uri);
        if (url.ssh() && !withKey) {
            throw new IllegalArgumentException("'" + text + "' is fetched over SSH: set clone-key (the private key's path) and"
                    + " clone-known-hosts (the forge's host key; it is never accepted unseen)");
        }
        if (url.ssh() && withToken) {
            throw new IllegalArgumentException("'" + text + "' is fetched over SSH with clone-key; clone-token is for https://");
        }
        if (scheme.equals("http") && withToken && !url.loopback()) {
            throw new IllegalArgumentException("'" + text + "': a token is never sent over plain http:// to another host; use"
                    + " https://");
        }
        return url;
    }

    /** Whether it is fetched over SSH (with a key, against known host keys). */
    public boolean ssh() {
        return "ssh".equalsIgnoreCase(uri.getScheme());
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
