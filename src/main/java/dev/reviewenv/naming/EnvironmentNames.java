package dev.reviewenv.naming;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Turns a branch into the name of its environment. This is the only place names are made; every
 * other part takes the name it is given. A name is one DNS label and a valid compose project name:
 * {@code [a-z0-9]}, inner {@code -}, at most 63 characters.
 */
public final class EnvironmentNames {
    /** Longest DNS label. */
    public static final int MAX_LENGTH = 63;
    /** What every environment name looks like; anything else is refused before it reaches a path. */
    public static final Pattern VALID = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    private static final String HEADS = "refs/heads/";
    private static final Pattern REQUEST = Pattern.compile("refs/(?:pull|merge-requests)/([1-9][0-9]{0,9})/head");
    private static final Pattern OUTSIDE = Pattern.compile("[^a-z0-9]+");
    private static final int HASH_LENGTH = 6;
    /** One path component of an image reference, as Docker's reference grammar has it. */
    private static final Pattern IMAGE_COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");

    private EnvironmentNames() {
    }

    /**
     * The branch of a full ref: {@code refs/heads/feature/x} is {@code feature/x}; the head of pull
     * (merge) request 7, {@code refs/pull/7/head} or {@code refs/merge-requests/7/head}, is {@code pr-7}.
     */
    public static String branchOf(String ref) {
        java.util.OptionalLong request = pullRequestOf(ref);
        if (request.isPresent()) {
            return "pr-" + request.getAsLong();
        }
        return ref.startsWith(HEADS) ? ref.substring(HEADS.length()) : ref;
    }

    /** The number of the pull (merge) request whose head {@code ref} is ({@code refs/pull/<n>/head}, {@code refs/merge-requests/<n>/head}). */
    public static java.util.OptionalLong pullRequestOf(String ref) {
        java.util.regex.Matcher m = REQUEST.matcher(ref);
        return m.matches() ? java.util.OptionalLong.of(Long.parseLong(m.group(1))) : java.util.OptionalLong.empty();
    }

    /** The slug of a branch, at most 63 characters (see {@link #name}). */
    public static String slug(String ref) {
        return name("", ref);
    }

    /**
     * {@code prefix + slug(branch)}: lowercase, every run outside {@code [a-z0-9]} one {@code -}, no
     * {@code -} at either end. When that is longer than 63 characters or empty, it is cut and ends
     * in {@code -} and the first 6 hex characters of the SHA-256 of the full ref.
     */
    public static String name(String prefix, String ref) {
        String slug = OUTSIDE.matcher(branchOf(ref).toLowerCase(Locale.ROOT)).replaceAll("-");
        slug = trimDashes(slug);
        int room = MAX_LENGTH - prefix.length();
        if (!slug.isEmpty() && slug.length() <= room) {
            return prefix + slug;
        }
        String hash = hash(ref);
        String kept = slug.isEmpty() ? "branch" : trimDashes(slug.substring(0, Math.min(slug.length(), room - 1 - HASH_LENGTH)));
        return prefix + (kept.isEmpty() ? "" : kept + "-") + hash;
    }

    /**
     * The name for a branch whose {@link #name} is held by another branch or repository: the name,
     * cut to make room, then {@code -} and 6 hex characters of the SHA-256 of repository and ref.
     */
    public static String disambiguated(String name, String repository, String ref) {
        String hash = hash(repository + "\n" + ref);
        String kept = trimDashes(name.substring(0, Math.min(name.length(), MAX_LENGTH - 1 - HASH_LENGTH)));
        return kept + "-" + hash;
    }

    /**
     * The host a route reaches an environment's routed service by, which is also that service's alias
     * on its environment's routing network: {@code <service>.<name>}. An environment name holds no
     * dot and the routed service's name may hold none, so the last label always names the environment
     * and no other environment can spell it (where {@code <name>-<service>} could: {@code sq} with
     * {@code b-web} and {@code sq-b} with {@code web}).
     */
    public static String upstreamHost(EnvironmentName name, String service) {
        return service + "." + name.value();
    }

    /**
     * The host routes of environments deployed before {@link #upstreamHost} used: {@code <name>-<service>}
     * on the shared network, or {@code <service>.<name>} when that was longer than a DNS label. Such an
     * environment keeps it until its next deploy.
     */
    public static String legacyUpstreamHost(EnvironmentName name, String service) {
        String alias = name.value() + "-" + service;
        return alias.length() <= MAX_LENGTH ? alias : service + "." + name.value();
    }

    /**
     * The repository an environment's build of {@code service} is tagged into: {@code <name>/<service>}.
     * The service's name is one path component of an image reference when it can be
     * ({@code [a-z0-9]} with inner {@code .}, {@code _}, {@code -}); otherwise it is made one,
     * ending in 6 hex characters of its SHA-256, so two services never share an image.
     */
    public static String builtImageRepository(EnvironmentName name, String service) {
        String lower = service.toLowerCase(Locale.ROOT);
        if (lower.equals(service) && IMAGE_COMPONENT.matcher(service).matches()) {
            return name.value() + "/" + service;
        }
        String kept = trimDashes(OUTSIDE.matcher(lower).replaceAll("-"));
        kept = kept.substring(0, Math.min(kept.length(), 100));
        return name.value() + "/" + trimDashes(kept) + (kept.isEmpty() ? "" : "-") + hash(service);
    }

    /** The image a build of {@code service} at {@code commit} is: {@code <name>/<service>:<commit>}. */
    public static String builtImage(EnvironmentName name, String service, String commit) {
        return builtImageRepository(name, service) + ":" + commit;
    }

    /** The key of an environment's routing network in its rendered compose file. */
    public static final String ROUTING_NETWORK_KEY = "reviewenv";

    /**
     * The Docker name of an environment's routing network, the one only its routed service and
     * Traefik join: {@code <name>_reviewenv}, as Compose (and a swarm stack) names the key.
     */
    public static String routingNetwork(EnvironmentName name) {
        return name.value() + "_" + ROUTING_NETWORK_KEY;
    }

    public static boolean isValid(String name) {
        // VALID, spelled as a loop: every record name goes through here on each list and reaper pass.
        if (name == null || name.isEmpty() || name.length() > 63) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
            if (!alnum && (c != '-' || i == 0 || i == name.length() - 1)) {
                return false;
            }
        }
        return true;
    }

    private static String trimDashes(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && s.charAt(start) == '-') {
            start++;
        }
        while (end > start && s.charAt(end - 1) == '-') {
            end--;
        }
        return s.substring(start, end);
    }

    private static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, HASH_LENGTH);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
