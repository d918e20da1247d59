package dev.reviewenv.notice;

import dev.reviewenv.config.ReviewenvConfig;
import dev.reviewenv.engine.forge.Forge;
import dev.reviewenv.engine.http.Http;
import dev.reviewenv.naming.Branch;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.Optional;

/**
 * Tells a repository's forge ({@code reviewenv.repositories.<repo>.forge}) how each pushed commit
 * deploys: a {@code reviewenv} commit status ({@code pending}, then {@code success} with the
 * environment's URL as its target, or {@code failure}), and one living comment on the pull or merge
 * request (the environment's own, or the open one of its branch): made at the first deploy, then
 * edited on every deploy, failure and ending (URL, commit, status, expires-in, the reason), never
 * posted twice. In the background and in order, retried a few times: a forge that is down never
 * fails or slows a deploy.
 */
@Singleton
public class Forges {
    private final ReviewenvConfig config;
    private final Http http;
    private final Outbox outbox;
    private final java.time.Clock clock;

    public Forges(ReviewenvConfig config, Http http, java.time.Clock clock) {
        this.outbox = new Outbox("reviewenv-forges", clock);
        this.clock = clock;
        this.config = config;
        this.http = http;
    }

    public void pending(Branch branch, String commit, String url) {
        status(branch, commit, Forge.State.PENDING, url, "deploying " + branch.name());
    }

    /** The failure status, and the comment saying so with the reason's first line. */
    public void failure(Branch branch, String commit, String environment, String url, String reason) {
        status(branch, commit, Forge.State.FAILURE, url, shorten(reason));
        comment(branch, environment, "failed", url, commit, Optional.empty(), shorten(reason));
    }

    /** The success status, and the comment with the URL, the commit and when the environment expires. */
    public void success(Branch branch, String commit, String environment, String url, Optional<java.time.Instant> removeAt) {
        status(branch, commit, Forge.State.SUCCESS, url, "running at " + url);
        comment(branch, environment, "running", url, commit, removeAt, null);
    }

    /** The comment, when the environment ended, with the reason ({@code pr-closed}, {@code expired}, ...). */
    public void ended(Branch branch, String commit, String environment, String url, String reason) {
        comment(branch, environment, "ended", url, commit, Optional.empty(), reason);
    }

    /**
     * Edits reviewenv's comment on the request (found by the environment's marker), or makes it the
     * first time: the request is the environment's own (a pull request's head), or the open request
     * of its branch, if there is one.
     */
    private void comment(Branch branch, String environment, String state, String url, String commit,
            Optional<java.time.Instant> removeAt, String reason) {
        String marker = "<!-- reviewenv:" + environment + " -->";
        String body = marker + "\n" + CommentText.of(environment, state, url, commit, removeAt.map(at ->
                java.time.Duration.between(clock.instant(), at)), reason);
        forge(branch.repository()).ifPresent(f -> outbox.post("comment on the request of " + branch, () -> {
            String repo = path(branch.repository());
            Optional<Long> request = branch.pullRequest().isPresent() ? Optional.of(branch.pullRequest().getAsLong())
                    : f.openRequest(repo, branch.name());
            request.ifPresent(r -> f.commentWith(repo, r, marker).ifPresentOrElse(id -> f.editComment(repo, r, id, body),
                    () -> f.comment(repo, r, body)));
        }));
    }

    private void status(Branch branch, String commit, Forge.State state, String url, String description) {
        if (commit == null || !commit.matches("[0-9a-f]{40}")) {
            return;
        }
        forge(branch.repository()).ifPresent(f -> outbox.post("status " + state + " of " + commit,
                () -> f.status(path(branch.repository()), commit, state, url, description)));
    }

    private Optional<Forge> forge(String repository) {
        return config.repository(repository).flatMap(r -> r.forge().flatMap(kind -> r.forgeToken()
                .map(token -> Forge.create(kind, http, r.forgeUrl(), token))));
    }

    private String path(String repository) {
        return config.repository(repository).flatMap(ReviewenvConfig.Repository::forgeRepository).orElse(repository);
    }

    private static String shorten(String s) {
        String first = s == null ? "" : s.lines().findFirst().orElse("");
        return first.length() > 120 ? first.substring(0, 117) + "..." : first;
    }

    void stop(@Observes ShutdownEvent event) {
        outbox.close();
    }
}
