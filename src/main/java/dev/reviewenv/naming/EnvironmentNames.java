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
    private static final Pattern OUTSIDE = Pattern.compile("[^a-z0-9]+");
    private static final int HASH_LENGTH = 6;

    private EnvironmentNames() {
    }

    /** The branch of a full ref: {@code refs/heads/feature/x} is {@code feature/x}. */
    public static String branchOf(String ref) {
        return ref.startsWith(HEADS) ? ref.substring(HEADS.length()) : ref;
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
     * The network alias of an environment's routed service: {@code <name>-<service>}. A DNS label
     * holds at most 63 characters, and Traefik's resolver refuses a longer one, so when that form is
     * longer the upstream is {@code <service>.<name>} (each label short enough), which the service
     * also carries as an alias.
     */
    public static String upstreamHost(EnvironmentName name, String service) {
        String alias = name.value() + "-" + service;
        return alias.length() <= MAX_LENGTH ? alias : service + "." + name.value();
    }

    public static boolean isValid(String name) {
        return name != null && VALID.matcher(name).matches();
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
