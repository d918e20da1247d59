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
 * environment's URL as its target, or {@code failure}), and one comment with the URL on the open
 * pull or merge request of the branch. In the background and in order, retried a few times: a
 * forge that is down never fails or slows a deploy.
 */
@Singleton
public class Forges {
    private final ReviewenvConfig config;
    private final Http http;
    private final Outbox outbox;

    public Forges(ReviewenvConfig config, Http http, java.time.Clock clock) {
        this.outbox = new Outbox("reviewenv-forges", clock);
        this.config = config;
        this.http = http;
    }

    public void pending(Branch branch, String commit, String url) {
        status(branch, commit, Forge.State.PENDING, url, "deploying " + branch.name());
    }

    public void failure(Branch branch, String commit, String url, String reason) {
        status(branch, commit, Forge.State.FAILURE, url, shorten(reason));
    }

    /** The success status, and the comment with the URL on the branch's open request if it has none yet. */
    public void success(Branch branch, String commit, String environment, String url) {
        status(branch, commit, Forge.State.SUCCESS, url, "running at " + url);
        forge(branch.repository()).ifPresent(f -> outbox.post("comment on the request of " + branch, () -> {
            String repo = path(branch.repository());
            f.openRequest(repo, branch.name()).ifPresent(request -> {
                String marker = "<!-- reviewenv:" + environment + " -->";
                if (!f.hasComment(repo, request, marker)) {
                    f.comment(repo, request, marker + "\nThe review environment of this branch runs at " + url + " (reviewenv).");
                }
            });
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
