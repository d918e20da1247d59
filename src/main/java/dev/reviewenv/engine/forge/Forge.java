package dev.reviewenv.engine.forge;

import java.util.Optional;

/**
 * A forge's API as reviewenv uses it: a commit status with context {@code reviewenv}, the open
 * pull or merge request of a branch, and reviewenv's one comment on it, made once and then edited. Each call throws when the forge does
 * not take it; the message never holds the token.
 */
public interface Forge {
    /** The context every status of reviewenv carries. */
    String CONTEXT = "reviewenv";

    enum State { PENDING, SUCCESS, FAILURE }

    /** The forges reviewenv speaks to, by the names the configuration uses. */
    java.util.List<String> KINDS = java.util.List.of("gitea", "github", "gitlab");

    /** The adapter of a forge: its API base ({@code url}, required for gitea) and the token it is called with. */
    static Forge create(String kind, dev.reviewenv.engine.http.Http http, Optional<String> url, String token) {
        return switch (kind) {
            case "gitea" -> new Gitea(http, url.orElseThrow(() -> new IllegalArgumentException("a gitea forge needs its forge-url")), token);
            case "github" -> new GitHub(http, url.orElse("https://api.github.com"), token);
            case "gitlab" -> new GitLab(http, url.orElse("https://gitlab.com/api/v4"), token);
            default -> throw new IllegalArgumentException("'" + kind + "' is not a forge; use one of " + KINDS);
        };
    }

    void status(String repository, String commit, State state, String targetUrl, String description);

    /** The number of the open pull (merge) request whose source is {@code branch}, if there is one. */
    Optional<Long> openRequest(String repository, String branch);

    /** The id of the comment on that request that holds {@code marker}, if there is one. */
    Optional<Long> commentWith(String repository, long request, String marker);

    /** Adds a comment to the request. */
    void comment(String repository, long request, String body);

    /** Replaces the body of comment {@code comment} of the request. */
    void editComment(String repository, long request, long comment, String body);
}
