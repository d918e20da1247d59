package dev.reviewenv.job;

import dev.reviewenv.config.Secrets;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reviewenv.engine.redis.JobStatus;
import dev.reviewenv.engine.redis.RedisJobQueue;
import dev.reviewenv.naming.Address;
import dev.reviewenv.naming.Branch;
import dev.reviewenv.naming.EnvironmentName;
import dev.reviewenv.teardown.EndReason;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The job stage: every push, webhook and button becomes a job here, and the worker takes them
 * from here. A job of a branch that has not started yet is superseded by the next one of the
 * same branch. What a job holds is this class's to decide; the Redis adapter only stores it.
 */
@Singleton
public class Jobs {
    private final RedisJobQueue queue;
    private final Secrets secrets;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper();

    public Jobs(RedisJobQueue queue, Secrets secrets, Clock clock) {
        this.queue = queue;
        this.secrets = secrets;
        this.clock = clock;
    }

    /** A queued job, and the one of the same branch it superseded, if any. */
    public record Queued(String id, Optional<String> superseded) {
    }

    /** Queues a deploy of {@code commit} of {@code branch} as environment {@code name} at {@code address}. */
    public Queued requestDeploy(Branch branch, String commit, EnvironmentName name, Address address, Map<String, String> options) {
        return requestDeploy(branch, commit, name, address, options, Job.PUSH);
    }

    /** The same, for {@code reason} ({@link Job#PUSH}, {@link Job#PULL_REQUEST}, {@link Job#FORK}, {@link Job#FORK_UNLABELED}). */
    public Queued requestDeploy(Branch branch, String commit, EnvironmentName name, Address address, Map<String, String> options,
            String reason) {
        return enqueue(Job.Action.DEPLOY, branch, commit, name, address, options, reason);
    }

    /** Queues the stop of an environment, for {@code reason}; {@code commit} is the one it runs, if known. */
    public Queued requestStop(Branch branch, String commit, EnvironmentName name, Address address, EndReason reason) {
        return enqueue(Job.Action.STOP, branch, commit, name, address, Map.of(), reason.key());
    }

    private Queued enqueue(Job.Action action, Branch branch, String revision, EnvironmentName name, Address address,
            Map<String, String> options, String reason) {
        String id = UUID.randomUUID().toString();
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("id", id);
        fields.put("action", action.key());
        fields.put("repository", branch.repository());
        fields.put("ref", branch.ref());
        fields.put("revision", revision);
        fields.put("environment", name.value());
        fields.put("url", address.url());
        fields.put("status", JobStatus.QUEUED.key());
        fields.put("output", "");
        fields.put("outputLength", "0");
        fields.put("attempts", "0");
        fields.put("createdAt", clock.instant().toString());
        fields.put("reason", reason);
        try {
            fields.put("options", json.writeValueAsString(options == null ? Map.of() : options));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("options cannot be stored", e);
        }
        return new Queued(id, queue.enqueue(id, branch.key(), fields, clock.instant()));
    }

    public Optional<Job> find(String id) {
        return queue.find(id).map(this::job);
    }

    /** The output so far, for a reader that follows it. */
    public JobOutput output(String id) {
        RedisJobQueue.OutputChunk c = queue.output(id);
        return new JobOutput(c.bytes(), c.total(), c.status());
    }

    /** The ids waiting in the queue, oldest first. */
    public List<String> queued() {
        return queue.queued();
    }

    // What the worker uses.

    /** Fails with the next step when Redis does not answer. */
    public void ping() {
        queue.ping();
    }

    /** Waits up to {@code wait} for a job and marks it running. */
    public Optional<Job> take(Duration wait) {
        return queue.take(wait, clock::instant).map(this::job);
    }

    /** Adds to a job's output, every secret value masked (see {@link Secrets}). */
    public void append(String id, String text) {
        queue.append(id, secrets.mask(text));
    }

    /** Ends a job with {@code status}; {@code url} for a deploy that succeeded, {@code error} for one that did not. */
    public void finish(Job job, JobStatus status, String url, String error) {
        queue.finish(job.id(), job.branch().key(), status, url, secrets.mask(error), clock.instant());
    }

    /** Whether no job of the job's branch was asked for after it: newest wins, per branch. */
    public boolean isNewest(Job job) {
        return job.seq() == null || job.seq() >= queue.latest(job.branch().key());
    }

    /** Gives a running job back to the queue, untried, with {@code why} in its output (the service is stopping). */
    public boolean handBack(Job job, String why) {
        return queue.handBack(job.id(), "--- " + secrets.mask(why) + "\n");
    }

    /** The jobs this process holds (taken, not yet stored). */
    public java.util.Set<String> held() {
        return queue.held();
    }

    /** Puts back jobs this process holds that none of its workers runs; how many. */
    public int recoverOwn(java.util.Set<String> abandoned) {
        return queue.recoverOwn(abandoned, clock.instant());
    }

    public void heartbeat() {
        queue.heartbeat(clock.instant());
    }

    /** Puts the jobs of workers that stopped back on the queue (or fails them after too many tries); how many. */
    public int recoverAbandoned() {
        return queue.recoverAbandoned(clock.instant());
    }

    /** This process takes no more jobs; what it still holds is recovered by the next instance. */
    public void leave() {
        queue.leave();
    }

    private Job job(Map<String, String> h) {
        Map<String, String> options;
        try {
            options = h.get("options") == null ? Map.of()
                    : json.readValue(h.get("options"), new TypeReference<Map<String, String>>() { });
        } catch (JsonProcessingException e) {
            options = Map.of();
        }
        return new Job(h.get("id"), Job.Action.of(h.get("action")), h.get("repository"), h.get("ref"), h.get("revision"),
                blankToNull(h.get("environment")), blankToNull(h.get("url")), JobStatus.of(h.get("status")), h.getOrDefault("output", ""),
                options, blankToNull(h.get("reason")), h.get("createdAt"), h.get("startedAt"), h.get("finishedAt"),
                h.get("attempts") == null ? null : Integer.valueOf(h.get("attempts")), blankToNull(h.get("error")),
                h.get("seq") == null ? null : Long.valueOf(h.get("seq")));
    }

    private static String blankToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
