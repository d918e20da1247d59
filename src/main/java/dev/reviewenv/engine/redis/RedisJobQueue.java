package dev.reviewenv.engine.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.UUID;
import redis.clients.jedis.args.ListDirection;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * The job queue in Redis: each job a hash {@code reviewenv:job:<id>}, the queue a list
 * {@code reviewenv:queue}. A worker moves an id atomically from the queue to its own processing
 * list, so a job taken by a worker that dies is found there and taken again (or failed after
 * {@link #MAX_ATTEMPTS}). Every change of more than one key runs as one Lua script ({@link JobScripts}),
 * so it is atomic. It stores what it is given, field by field; what a job means is the job stage's.
 */
public class RedisJobQueue {
    public static final String JOB = "reviewenv:job:";
    public static final String QUEUE = "reviewenv:queue";
    static final String PROCESSING = "reviewenv:processing:";
    static final String WORKER = "reviewenv:worker:";
    /** Branch key to its newest job, for superseding jobs that have not started. */
    static final String PENDING = "reviewenv:pending";
    /** Branch key to the sequence number of its newest job: newest wins. */
    static final String LATEST = "reviewenv:latest";
    static final String SEQ = "reviewenv:seq";
    static final String LOG = ":log";
    public static final int MAX_ATTEMPTS = 3;

    private final Redis redis;
    private final String instance = UUID.randomUUID().toString();
    private final int outputLimit;
    private final Duration keepFor;
    private final Duration alive;

    /** {@code alive}: how long an instance's heartbeat lasts; silent longer, its jobs are taken again. */
    public RedisJobQueue(Redis redis, int outputLimit, Duration keepFor, Duration alive) {
        this.redis = redis;
        this.outputLimit = outputLimit;
        this.keepFor = keepFor;
        this.alive = alive;
    }

    public void ping() {
        redis.ping();
    }

    /**
     * Stores a new job hash and queues its id. A job of the same branch ({@code branchKey}) that
     * is still {@code queued} ends {@code cancelled}; its id is returned.
     */
    public Optional<String> enqueue(String id, String branchKey, Map<String, String> fields, Instant now) {
        return redis.call(c -> {
            List<String> pairs = new ArrayList<>();
            fields.forEach((k, v) -> {
                pairs.add(k);
                pairs.add(v == null ? "" : v);
            });
            Object cancelled = c.eval(JobScripts.ENQUEUE.text(), List.of(JOB + id, PENDING, QUEUE, LATEST, SEQ),
                    JobScripts.ENQUEUE.args(Map.of("branch", branchKey, "id", id, "now", now.toString(), "keep", keep()), pairs));
            String old = cancelled == null ? "" : cancelled.toString();
            return old.isEmpty() ? Optional.<String>empty() : Optional.of(old);
        });
    }

    /**
     * Waits up to {@code wait} for a job and marks it running; its fields. Empty when none came,
     * or when the one that came was cancelled meanwhile.
     */
    public Optional<Map<String, String>> take(Duration wait, Supplier<Instant> now) {
        return redis.call(c -> {
            String id = c.blmove(QUEUE, processing(), ListDirection.RIGHT, ListDirection.LEFT, wait.toMillis() / 1000.0);
            if (id == null) {
                return Optional.empty();
            }
            // The start is stamped when the job came, not when the wait for one began.
            Object started = c.eval(JobScripts.START.text(), List.of(JOB + id, processing()),
                    JobScripts.START.args(Map.of("id", id, "now", now.get().toString(), "worker", instance)));
            if (!Long.valueOf(1).equals(started)) {
                return Optional.empty();
            }
            return find(id);
        });
    }

    /** Appends to a job's output; the stored output keeps the newest {@code outputLimit} bytes. */
    public void append(String id, String text) {
        redis.run(c -> {
            c.eval(JobScripts.APPEND.text(), List.of(JOB + id, JOB + id + LOG),
                    JobScripts.APPEND.args(Map.of("text", text, "limit", Integer.toString(outputLimit), "keep", keep())));
        });
    }

    /** Ends a job: its status, and the url or error when there is one. */
    public void finish(String id, String branchKey, JobStatus status, String url, String error, Instant now) {
        redis.run(c -> {
            c.eval(JobScripts.FINISH.text(), List.of(JOB + id, processing(), PENDING, JOB + id + LOG), JobScripts.FINISH.args(
                    Map.of("id", id, "status", status.key(), "now", now.toString(), "branch", branchKey, "keep", keep(),
                            "url", url == null ? "" : url, "why", error == null ? "" : error, "limit", Integer.toString(outputLimit))));
        });
    }

    /** The job's fields (a running job's output as far as it goes), or empty when there is no such job (or it expired). */
    public Optional<Map<String, String>> find(String id) {
        return redis.call(c -> {
            Map<String, String> h = c.hgetAll(JOB + id);
            if (h == null || h.isEmpty()) {
                return Optional.empty();
            }
            String log = c.get(JOB + id + LOG);
            if (log != null) {
                Map<String, String> live = new java.util.HashMap<>(h);
                live.put("output", h.getOrDefault("output", "") + tail(log));
                return Optional.of(live);
            }
            return Optional.of(h);
        });
    }

    /** The sequence number of the newest job of a branch (0 when it has none): a job older than it is stale. */
    public long latest(String branchKey) {
        return redis.call(c -> {
            String v = c.hget(LATEST, branchKey);
            return v == null ? 0 : Long.parseLong(v);
        });
    }

    /** Puts a running job of this instance back at the head of the queue (the service is stopping); its try is not counted. */
    public boolean handBack(String id, String note) {
        return redis.call(c -> {
            return Long.valueOf(1).equals(c.eval(JobScripts.HAND_BACK.text(), List.of(JOB + id, processing(), QUEUE),
                    JobScripts.HAND_BACK.args(Map.of("id", id, "note", note))));
        });
    }

    /** The jobs in this instance's processing list: those its workers took and have not stored yet. */
    public Set<String> held() {
        return redis.call(c -> new java.util.LinkedHashSet<>(c.lrange(processing(), 0, -1)));
    }

    /**
     * Puts back those of {@code abandoned} still in this instance's processing list: jobs none of its
     * workers runs (a worker whose Redis calls failed mid-job left them there).
     */
    public int recoverOwn(Set<String> abandoned, Instant now) {
        return redis.call(c -> {
            int n = 0;
            for (String id : abandoned) {
                Object r = c.eval(JobScripts.REQUEUE.text(), List.of(processing(), QUEUE), JobScripts.REQUEUE.args(recovery(now, id)));
                n += ((Long) r).intValue();
            }
            return n;
        });
    }

    private String tail(String log) {
        if (log.length() <= outputLimit) {
            return log;
        }
        String cut = log.substring(log.length() - outputLimit);
        int nl = cut.indexOf('\n');
        return nl >= 0 && nl < cut.length() - 1 ? cut.substring(nl + 1) : cut;
    }

    /** The output as raw bytes and the total number of bytes ever appended, for a reader that follows it. */
    public OutputChunk output(String id) {
        return redis.call(c -> {
            List<byte[]> v = c.hmget((JOB + id).getBytes(StandardCharsets.UTF_8),
                    "output".getBytes(StandardCharsets.UTF_8), "outputLength".getBytes(StandardCharsets.UTF_8),
                    "status".getBytes(StandardCharsets.UTF_8));
            byte[] log = c.get((JOB + id + LOG).getBytes(StandardCharsets.UTF_8));
            byte[] out = log != null ? log : v.get(0) == null ? new byte[0] : v.get(0);
            long total = v.get(1) == null ? out.length : Long.parseLong(new String(v.get(1), StandardCharsets.US_ASCII));
            JobStatus status = v.get(2) == null ? null : JobStatus.of(new String(v.get(2), StandardCharsets.UTF_8));
            return new OutputChunk(out, total, status);
        });
    }

    /** {@code bytes} are the last bytes of everything appended, which is {@code total} long. */
    public record OutputChunk(byte[] bytes, long total, JobStatus status) {
    }

    /** Says this instance's workers are alive; the processing lists of silent instances are recovered. */
    public void heartbeat(Instant now) {
        redis.run(c -> {
            c.set(WORKER + instance, now.toString(), SetParams.setParams().px(alive.toMillis()));
        });
    }

    /** Puts the jobs of workers that stopped without finishing back on the queue; returns how many. */
    public int recoverAbandoned(Instant now) {
        return redis.call(c -> {
            int recovered = 0;
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<String> page = c.scan(cursor, new ScanParams().match(PROCESSING + "*").count(100));
                for (String key : page.getResult()) {
                    String owner = key.substring(PROCESSING.length());
                    if (!owner.equals(instance) && !c.exists(WORKER + owner)) {
                        Map<String, String> args = new java.util.HashMap<>(recovery(now, ""));
                        args.remove("id");
                        Object n = c.eval(JobScripts.RECOVER.text(), List.of(key, QUEUE), JobScripts.RECOVER.args(args));
                        recovered += ((Long) n).intValue();
                    }
                }
                cursor = page.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
            return recovered;
        });
    }

    /** The ids waiting in the queue, oldest first. */
    public List<String> queued() {
        return redis.call(c -> {
            List<String> ids = new ArrayList<>(c.lrange(QUEUE, 0, -1));
            Collections.reverse(ids);
            return ids;
        });
    }

    /** This instance stops taking jobs: its heartbeat goes, so another instance may recover what it held. */
    public void leave() {
        redis.run(c -> {
            c.del(WORKER + instance);
        });
    }

    /** What a recovery is told: the time, the most tries, how long an ended job is kept, the output limit; and the job. */
    private Map<String, String> recovery(Instant now, String id) {
        return Map.of("now", now.toString(), "max", Integer.toString(MAX_ATTEMPTS), "keep", keep(), "limit",
                Integer.toString(outputLimit), "id", id);
    }

    private String keep() {
        return Long.toString(keepFor.toSeconds());
    }

    private String processing() {
        return PROCESSING + instance;
    }
}
