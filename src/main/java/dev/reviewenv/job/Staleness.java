package dev.reviewenv.job;

import dev.reviewenv.config.ReviewenvConfig;
import dev.reviewenv.engine.git.GitCheckout;
import dev.reviewenv.engine.git.GitException;
import dev.reviewenv.environment.Sources;
import dev.reviewenv.engine.record.EnvironmentRecord;
import dev.reviewenv.engine.record.RecordStore;
import dev.reviewenv.teardown.EndReason;
import io.quarkus.logging.Log;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Newest wins, per branch. Checked under the environment's lock right before a job runs: a job
 * that a newer push or stop of its branch came after, a deploy of a branch that is gone or of a
 * commit older than the one the environment runs, a branch deletion for a branch that was pushed
 * again since (it is at another commit than the one deleted): each is stale and is cancelled with that reason, whatever order the workers took them in.
 */
@Singleton
public class Staleness {
    private final Jobs jobs;
    private final Sources sources;
    private final GitCheckout git;
    private final RecordStore records;
    private final ReviewenvConfig config;

    public Staleness(Jobs jobs, Sources sources, GitCheckout git, RecordStore records, ReviewenvConfig config) {
        this.config = config;
        this.jobs = jobs;
        this.sources = sources;
        this.git = git;
        this.records = records;
    }

    /** Why the job must not run any more, or empty when it must. */
    public Optional<String> of(Job job) {
        if (Job.FORK_UNLABELED.equals(job.reason())) {
            String label = config.forkLabelFor(job.repository());
            return Optional.of("pull request " + job.branch().name() + " comes from a fork: it is deployed once someone with write"
                    + " access adds the label '" + label + "' to it");
        }
        try {
            if (!jobs.isNewest(job)) {
                return Optional.of("a newer push or stop of " + job.branch() + " came after it");
            }
        } catch (RuntimeException redisDown) {
            Log.warnf("job %s: cannot ask Redis which job is newest (%s); it runs", job.id(), redisDown.getMessage());
        }
        Path bare;
        Map<String, String> branches;
        try {
            bare = sources.bare(job.repository());
            Optional<Map<String, String>> now = sources.branches(job.repository());
            if (now.isEmpty()) {
                return Optional.empty(); // a forge that cannot be asked proves nothing; the deploy's fetch says what is wrong
            }
            branches = now.get();
        } catch (GitException gone) {
            return job.action() == Job.Action.DEPLOY ? Optional.of(gone.getMessage()) : Optional.empty();
        }
        String tip = branches.get(job.ref());
        if (job.action() == Job.Action.STOP) {
            // The deletion names the commit the branch was at; a branch at another one now was pushed again
            // since (a mirror that has not caught up with the deletion yet still shows that very commit).
            String deletedAt = job.revision();
            boolean again = job.stopReason() == EndReason.BRANCH_DELETED && tip != null && deletedAt != null
                    && deletedAt.matches("[0-9a-f]{40}") && !deletedAt.matches("0{40}") && !tip.equals(deletedAt);
            return again ? Optional.of("the branch exists again (at " + tip + "); it was pushed after it was deleted")
                    : Optional.empty();
        }
        if (tip == null) {
            return Optional.of("the branch " + job.branch() + " no longer exists in its repository");
        }
        Optional<EnvironmentRecord> running = records.read(job.environmentName()).filter(r -> r.belongsTo(job.branch()));
        if (running.isPresent() && running.get().commit() != null && !running.get().commit().equals(job.revision())
                && git.isAncestor(bare, job.revision(), running.get().commit())) {
            return Optional.of("commit " + job.revision() + " is older than " + running.get().commit()
                    + ", which the environment already runs");
        }
        return Optional.empty();
    }
}
