package dev.reviewenv.push;

import dev.reviewenv.config.Lifetime;
import dev.reviewenv.config.ReviewenvConfig;
import dev.reviewenv.engine.git.GitException;
import dev.reviewenv.environment.NameAllocator;
import dev.reviewenv.environment.NameTaken;
import dev.reviewenv.environment.Sources;
import dev.reviewenv.job.Job;
import dev.reviewenv.job.Jobs;
import dev.reviewenv.naming.Branch;
import dev.reviewenv.teardown.EndReason;
import io.quarkus.logging.Log;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns a pushed ref into a job: checks the repository is under the git root and the ref is a
 * branch, names the environment, and requests a deploy (or a stop, when the branch was deleted).
 */
@Singleton
public class PushService {
    public static final String ZERO = "0000000000000000000000000000000000000000";
    private static final Pattern SHA = Pattern.compile("[0-9a-f]{40}");
    /** Push options the service understands; others are refused so a typo is not silently ignored. */
    public static final Set<String> OPTIONS = Set.of("lifetime");

    private final Sources sources;
    private final ReviewenvConfig config;
    private final NameAllocator names;
    private final Jobs jobs;

    public PushService(Sources sources, NameAllocator names, Jobs jobs, ReviewenvConfig config) {
        this.sources = sources;
        this.config = config;
        this.names = names;
        this.jobs = jobs;
    }

    public PushAccepted push(PushRequest push) {
        for (String[] field : new String[][] {{"repository", push.repository()}, {"ref", push.ref()}, {"after", push.after()}}) {
            if (field[1] == null || field[1].isBlank()) {
                throw new PushRefused(422, "missing field", field[0] + " is missing; send {\"repository\",\"ref\",\"before\",\"after\",\"options\"}");
            }
        }
        String repository = known(push.repository());
        Branch branch;
        try {
            branch = new Branch(repository, push.ref());
        } catch (IllegalArgumentException e) {
            throw new PushRefused(422, "not a branch", e.getMessage());
        }
        if (branch.pullRequest().isPresent()) {
            throw new PushRefused(422, "not a branch", "ref '" + push.ref() + "' is a pull request's head; pull requests are"
                    + " deployed from their forge's webhook (environments-for=pull-requests)");
        }
        String after = push.after().toLowerCase(Locale.ROOT);
        if (!SHA.matcher(after).matches()) {
            throw new PushRefused(422, "bad revision", "after must be a 40-character commit id (all zeros for a deleted branch)");
        }
        Map<String, String> options = options(push.options());
        if (after.equals(ZERO)) {
            return stop(branch, push.before(), EndReason.BRANCH_DELETED);
        }
        return deploy(branch, after, options, Job.PUSH);
    }

    private PushAccepted deploy(Branch branch, String commit, Map<String, String> options, String reason) {
        NameAllocator.Allocation env;
        try {
            env = names.allocate(branch);
        } catch (NameTaken e) {
            throw new PushRefused(409, "name taken", e.getMessage());
        }
        Jobs.Queued q = jobs.requestDeploy(branch, commit, env.name(), env.address(), options, reason);
        q.superseded().ifPresent(old -> Log.infof("job %s superseded by %s", old, q.id()));
        Log.infof("job %s queued: deploy %s -> %s", q.id(), branch, env.name());
        return new PushAccepted(q.id(), env.name().value(), env.address().url(), Job.Action.DEPLOY.key(), branch.repository());
    }

    private String known(String repository) {
        try {
            return sources.known(repository);
        } catch (GitException e) {
            throw new PushRefused(404, "unknown repository", e.getMessage());
        }
    }

    /**
     * A pull (merge) request opened, updated, relabeled, closed or merged: its head deployed as
     * {@code pr-<n>}, or its environment ended ({@code pr-closed}). A fork's request is deployed
     * only while it carries the repository's fork label (as untrusted code); without it the job
     * ends cancelled saying which label, and taking the label off ends the environment.
     */
    public PushAccepted pullRequest(PullRequestEvent pr) {
        String repository = known(pr.repository());
        if (sources.remote(repository).isEmpty()) {
            throw new PushRefused(422, "no clone-url", "pull requests are fetched from their forge; set reviewenv.repositories.\""
                    + repository + "\".clone-url (and clone-token) for " + repository);
        }
        Branch branch = Branch.pullRequest(repository, pr.number(), pr.gitlab());
        if (!pr.open()) {
            return stop(branch, null, EndReason.PR_CLOSED);
        }
        String label = config.forkLabelFor(repository);
        String reason = pr.fork() ? Job.FORK : Job.PULL_REQUEST;
        if (pr.fork() && !pr.labels().contains(label)) {
            if (names.existing(branch).isPresent()) {
                return stop(branch, null, EndReason.LABEL_REMOVED);
            }
            reason = Job.FORK_UNLABELED;
        }
        return deploy(branch, pr.head().toLowerCase(Locale.ROOT), Map.of(), reason);
    }

    /** A deleted branch: the stop of its environment (of one it would have, when it has none: the job says so). */
    private PushAccepted stop(Branch branch, String before, EndReason why) {
        NameAllocator.Allocation env = names.allocation(branch, names.existing(branch).orElse(names.baseName(branch)));
        Jobs.Queued q = jobs.requestStop(branch, before, env.name(), env.address(), why);
        Log.infof("job %s queued: stop %s -> %s", q.id(), branch, env.name());
        return new PushAccepted(q.id(), env.name().value(), env.address().url(), Job.Action.STOP.key(), branch.repository());
    }

    private static Map<String, String> options(Map<String, String> given) {
        Map<String, String> options = new LinkedHashMap<>();
        for (Map.Entry<String, String> o : given.entrySet()) {
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
        return options;
    }
}
