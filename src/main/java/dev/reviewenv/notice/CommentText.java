package dev.reviewenv.notice;

import java.time.Duration;
import java.util.Optional;

/** The body of reviewenv's comment on a pull or merge request: what runs where, and how it stands. */
final class CommentText {
    private CommentText() {
    }

    /**
     * {@code state}: running, failed or ended; {@code expiresIn}: how long it still runs (empty:
     * not known, or never); {@code reason}: why it failed or ended (null: none).
     */
    static String of(String environment, String state, String url, String commit, Optional<Duration> expiresIn, String reason) {
        StringBuilder b = new StringBuilder("**Review environment** `").append(environment).append("`: ").append(state);
        if (reason != null && !reason.isBlank()) {
            b.append(" (").append(reason).append(")");
        }
        b.append("\n\n| | |\n|---|---|\n");
        if (!"ended".equals(state)) {
            b.append("| URL | ").append(url).append(" |\n");
        }
        if (commit != null && commit.matches("[0-9a-f]{40}")) {
            b.append("| commit | `").append(commit, 0, 12).append("` |\n");
        }
        expiresIn.ifPresent(d -> b.append("| expires in | ").append(human(d)).append(" |\n"));
        return b.append("\n_reviewenv edits this comment as the environment changes._").toString();
    }

    /** A duration as a person reads it: {@code 6 d 23 h}, {@code 5 h 10 min}, {@code 12 min}. */
    static String human(Duration d) {
        long minutes = Math.max(0, d.toMinutes());
        long days = minutes / (24 * 60);
        long hours = minutes / 60 % 24;
        long mins = minutes % 60;
        if (days > 0) {
            return days + " d" + (hours > 0 ? " " + hours + " h" : "");
        }
        if (hours > 0) {
            return hours + " h" + (mins > 0 ? " " + mins + " min" : "");
        }
        return mins + " min";
    }
}
