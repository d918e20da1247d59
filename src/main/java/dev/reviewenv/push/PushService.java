package dev.reviewenv.push;

import dev.reviewenv.config.Lifetime;
import dev.reviewenv.deploy.Environments;
import dev.reviewenv.engine.git.GitException;
import dev.reviewenv.engine.git.GitRepositories;
import dev.reviewenv.engine.redis.RedisJobStore;
import dev.reviewenv.job.Job;
import io.quarkus.logging.Log;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns a pushed ref into a job: checks the repository is under the git root, names the
 * environment, and queues a deploy (or a stop, when the branch was deleted).
 */
@Singleton
public class PushService {
    public static final String ZERO = "0000000000000000000000000000000000000000";
    private static final Pattern SHA = Pattern.compile("[0-9a-f]{40}");
    /** Push options the service understands; others are refused so a typo is not silently ignored. */
    public static final Set<String> OPTIONS = Set.of("lifetime");

    private final GitRepositories repositories;
    private final Environments environments;
    private final RedisJobStore jobs;

    public PushService(GitRepositories repositories, Environments environments, RedisJobStore jobs) {
        this.repositories = repositories;
        this.environments = environments;
        this.jobs = jobs;
    }

    public PushAccepted push(PushRequest push) {
        for (String[] field : new String[][] {{"repository", push.repository()}, {"ref", push.ref()}, {"after", push.after()}}) {
            if (field[1] == null || field[1].isBlank()) {
                throw new PushRefused(422, "missing field", field[0] + " is missing; send {\"repository\",\"ref\",\"before\",\"after\",\"options\"}");
            }
        }
        String repository;
        try {
            repository = repositories.nameOf(push.repository());
            repositories.locate(repository);
        } catch (GitException e) {
            throw new PushRefused(422, "unknown repository", e.getMessage());
        }
        String ref = push.ref();
        if (ref == null || !ref.startsWith("refs/heads/") || ref.length() == "refs/heads/".length()
                || ref.length() > 1024 || ref.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new PushRefused(422, "not a branch", "ref '" + ref + "' is not a branch; only refs/heads/<branch> is deployed");
        }
        String after = push.after() == null ? "" : push.after().toLowerCase();
        if (!SHA.matcher(after).matches()) {
            throw new PushRefused(422, "bad revision", "after must be a 40-character commit id (all zeros for a deleted branch)");
        }
        Map<String, String> options = new LinkedHashMap<>();
        for (Map.Entry<String, String> o : push.options().entrySet()) {
            if (!OPTIONS.contains(o.getKey())) {
                throw new PushRefused(422, "unknown push option", "push option '" + o.getKey() + "' is not known; known: " + OPTIONS);
            }
            if (o.getKey().equals("lifetime")) {
                try {
                    Lifetime.parse(o.getValue());
                } catch (IllegalArgumentException e) {
                    throw new PushRefused(422, "bad push option", "push option lifetime: " + e.getMessage());
                }
            }
            options.put(o.getKey(), o.getValue());
        }
        boolean delete = after.equals(ZERO);
        String name;
        if (delete) {
            name = environments.existing(repository, ref).orElse(environments.baseName(repository, ref));
            options.put("reason", "branch-deleted");
        } else {
            try {
                name = environments.allocate(repository, ref);
            } catch (IllegalStateException e) {
                throw new PushRefused(409, "name taken", e.getMessage());
            }
        }
        String url = environments.url(repository, name);
        String action = delete ? Job.STOP : Job.DEPLOY;
        RedisJobStore.EnqueueResult r = jobs.enqueue(new Job.Request(action, repository, ref, delete ? push.before() : after,
                name, url, options, delete ? "branch-deleted" : "push"), Instant.now());
        r.superseded().ifPresent(old -> Log.infof("job %s superseded by %s", old, r.id()));
        Log.infof("job %s queued: %s %s %s -> %s", r.id(), action, repository, ref, name);
        return new PushAccepted(r.id(), name, url, action, repository);
    }
}
