package dev.reviewenv.notice;

import java.time.Instant;

/**
 * One event of an environment, as it is sent: {@code deployed}, {@code failed}, {@code stopped}
 * or {@code expiring}. {@code reason} is the ending's reason, or the first lines of a failure.
 */
public record Notice(String event, String environment, String repository, String branch, String commit, String url,
        String job, String status, Instant removeAt, String extendUrl, String reason) {

    public static final String DEPLOYED = "deployed";
    public static final String FAILED = "failed";
    public static final String STOPPED = "stopped";
    public static final String EXPIRING = "expiring";

    /** The title a person reads first. */
    String title() {
        return switch (event) {
            case DEPLOYED -> environment + " is up";
            case FAILED -> "deploy of " + environment + " failed";
            case STOPPED -> environment + " stopped" + (reason == null ? "" : " (" + reason + ")");
            case EXPIRING -> environment + " expires " + (removeAt == null ? "soon" : "at " + removeAt);
            default -> environment + ": " + event;
        };
    }

    /** The message under the title. */
    String message() {
        String where = repository + " " + branch + (commit == null ? "" : " @ " + commit.substring(0, Math.min(8, commit.length())));
        return switch (event) {
            case DEPLOYED -> where + "\n" + url;
            case FAILED -> where + "\n" + (reason == null ? "" : reason);
            case EXPIRING -> where + "\n" + url + "\nExtend it to keep it.";
            default -> where;
        };
    }

    /** The tags (ntfy shows them as emoji or labels). */
    java.util.List<String> tags() {
        return switch (event) {
            case DEPLOYED -> java.util.List.of("white_check_mark", "reviewenv");
            case FAILED -> java.util.List.of("x", "reviewenv");
            case STOPPED -> java.util.List.of("stop_sign", "reviewenv");
            case EXPIRING -> java.util.List.of("hourglass", "reviewenv");
            default -> java.util.List.of("reviewenv");
        };
    }
}
