package dev.reviewenv.engine.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import redis.clients.jedis.args.ListDirection;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * The job queue in Redis: each job a hash {@code reviewenv:job:<id>}, the queue a list
 * {@code reviewenv:queue}. A worker moves an id atomically from the queue to its own processing
 * list, so a job taken by a worker that dies is found there and taken again (or failed after
 * {@link #MAX_ATTEMPTS}). Every change of more than one key runs as one Lua script, so it is
 * atomic. It stores what it is given, field by field; what a job means is the job stage's.
 */
public class RedisJobQueue {
    public static final String JOB = "reviewenv:job:";
    public static final String QUEUE = "reviewenv:queue";
    static final String PROCESSING = "reviewenv:processing:";
    static final String WORKER = "reviewenv:worker:";
    /** Branch key to its newest job, for superseding jobs that have not started. */
    static final String PENDING = "reviewenv:pending";
    public static final int MAX_ATTEMPTS = 3;
    private static final Duration HEARTBEAT = Duration.ofSeconds(30);

    private static final String ENQUEUE = """
            local cancelled = ''
            local old = redis.call('HGET', KEYS[2], ARGV[1])
            if old then
              local okey = 'reviewenv:job:' .. old
              if redis.call('HGET', okey, 'status') == 'queued' then
                local why = 'superseded by job ' .. ARGV[2] .. ' before it started'
                redis.call('HSET', okey, 'status', 'cancelled', 'finishedAt', ARGV[3], 'error', why,
                  'output', (redis.call('HGET', okey, 'output') or '') .. why .. '\\n')
                redis.call('EXPIRE', okey, ARGV[4])
                redis.call('LREM', KEYS[3], 0, old)
                cancelled = old
              end
            end
            redis.call('HSET', KEYS[1], unpack(ARGV, 5))
            redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
            redis.call('LPUSH', KEYS[3], ARGV[2])
            return cancelled
            """;
    private static final String START = """
            if redis.call('HGET', KEYS[1], 'status') ~= 'queued' then
              redis.call('LREM', KEYS[2], 0, ARGV[1])
              return 0
            end
            redis.call('HSET', KEYS[1], 'status', 'running', 'startedAt', ARGV[2], 'worker', ARGV[3])
            redis.call('HINCRBY', KEYS[1], 'attempts', 1)
            return 1
            """;
    private static final String APPEND = """
            local out = (redis.call('HGET', KEYS[1], 'output') or '') .. ARGV[1]
            local limit = tonumber(ARGV[2])
            if #out > limit then
              out = string.sub(out, #out - limit + 1)
              local nl = string.find(out, '\\n', 1, true)
              if nl and nl < #out then out = string.sub(out, nl + 1) end
            end
            redis.call('HSET', KEYS[1], 'output', out)
            return redis.call('HINCRBY', KEYS[1], 'outputLength', #ARGV[1])
            """;
    private static final String FINISH = """
            redis.call('HSET', KEYS[1], 'status', ARGV[2], 'finishedAt', ARGV[3])
            if ARGV[7] ~= '' then redis.call('HSET', KEYS[1], 'error', ARGV[7]) end
            if ARGV[6] ~= '' then redis.call('HSET', KEYS[1], 'url', ARGV[6]) end
            redis.call('LREM', KEYS[2], 0, ARGV[1])
            if redis.call('HGET', KEYS[3], ARGV[4]) == ARGV[1] then redis.call('HDEL', KEYS[3], ARGV[4]) end
            redis.call('EXPIRE', KEYS[1], ARGV[5])
            return 1
            """;
    private static final String RECOVER = """
            local n = 0
            while true do
              local id = redis.call('RPOP', KEYS[1])
              if not id then break end
              local key = 'reviewenv:job:' .. id
              local status = redis.call('HGET', key, 'status')
              local attempts = tonumber(redis.call('HGET', key, 'attempts') or '0')
              if status == 'running' or status == 'queued' then
                local out = redis.call('HGET', key, 'output') or ''
                if attempts >= tonumber(ARGV[2]) then
                  local why = 'the worker running this job stopped ' .. attempts .. ' times; giving up'
                  redis.call('HSET', key, 'status', 'failed', 'finishedAt', ARGV[1], 'error', why, 'output', out .. why .. '\\n')
                  redis.call('EXPIRE', key, ARGV[3])
                else
                  redis.call('HSET', key, 'status', 'queued',
                    'output', out .. '--- the worker running this job stopped; the job is taken again\\n')
                  redis.call('RPUSH', KEYS[2], id)
                end
                n = n + 1
              end
            end
            redis.call('DEL', KEYS[1])
            return n
            """;

    private final Redis redis;
    private final String instance = UUID.randomUUID().toString();
    private final int outputLimit;
    private final Duration keepFor;

    public RedisJobQueue(Redis redis, int outputLimit, Duration keepFor) {
        this.redis = redis;
        this.outputLimit = outputLimit;
        this.keepFor = keepFor;
    }

    public void ping() {
        redis.ping();
    }

    /** The instance id of this process's workers. */
    public String instance() {
        return instance;
    }

    /**
     * Stores a new job hash and queues its id. A job of the same branch ({@code branchKey}) that
     * is still {@code queued} ends {@code cancelled}; its id is returned.
     */
    public Optional<String> enqueue(String id, String branchKey, Map<String, String> fields, Instant now) {
        List<String> args = new ArrayList<>(List.of(branchKey, id, now.toString(), Long.toString(keepFor.toSeconds())));
        fields.forEach((k, v) -> {
            args.add(k);
            args.add(v == null ? "" : v);
        });
        Object cancelled = redis.client().eval(ENQUEUE, List.of(JOB + id, PENDING, QUEUE), args);
        String c = cancelled == null ? "" : cancelled.toString();
        return c.isEmpty() ? Optional.empty() : Optional.of(c);
    }

    /**
     * Waits up to {@code wait} for a job and marks it running; its fields. Empty when none came,
     * or when the one that came was cancelled meanwhile.
     */
    public Optional<Map<String, String>> take(Duration wait, Instant now) {
        String id = redis.client().blmove(QUEUE, processing(), ListDirection.RIGHT, ListDirection.LEFT, wait.toMillis() / 1000.0);
        if (id == null) {
            return Optional.empty();
        }
        Object started = redis.client().eval(START, List.of(JOB + id, processing()), List.of(id, now.toString(), instance));
        if (!Long.valueOf(1).equals(started)) {
            return Optional.empty();
        }
        return find(id);
    }

    /** Appends to a job's output; the stored output keeps the newest {@code outputLimit} bytes. */
    public void append(String id, String text) {
        redis.client().eval(APPEND, List.of(JOB + id), List.of(text, Integer.toString(outputLimit)));
    }

    /** Ends a job: its status, and the url or error when there is one. */
    public void finish(String id, String branchKey, String status, String url, String error, Instant now) {
        redis.client().eval(FINISH, List.of(JOB + id, processing(), PENDING), List.of(id, status, now.toString(),
                branchKey, Long.toString(keepFor.toSeconds()), url == null ? "" : url, error == null ? "" : error));
    }

    /** The job's fields, or empty when there is no such job (or it expired). */
    public Optional<Map<String, String>> find(String id) {
        Map<String, String> h = redis.client().hgetAll(JOB + id);
        return h == null || h.isEmpty() ? Optional.empty() : Optional.of(h);
    }

    /** The output as raw bytes and the total number of bytes ever appended, for a reader that follows it. */
    public OutputChunk output(String id) {
        List<byte[]> v = redis.client().hmget((JOB + id).getBytes(StandardCharsets.UTF_8),
                "output".getBytes(StandardCharsets.UTF_8), "outputLength".getBytes(StandardCharsets.UTF_8),
                "status".getBytes(StandardCharsets.UTF_8));
        byte[] out = v.get(0) == null ? new byte[0] : v.get(0);
        long total = v.get(1) == null ? out.length : Long.parseLong(new String(v.get(1), StandardCharsets.US_ASCII));
        String status = v.get(2) == null ? null : new String(v.get(2), StandardCharsets.UTF_8);
        return new OutputChunk(out, total, status);
    }

    /** {@code bytes} are the last bytes of everything appended, which is {@code total} long. */
    public record OutputChunk(byte[] bytes, long total, String status) {
    }

    /** Says this instance's workers are alive; the processing lists of silent instances are recovered. */
    public void heartbeat(Instant now) {
        redis.client().set(WORKER + instance, now.toString(), SetParams.setParams().ex(HEARTBEAT.toSeconds()));
    }

    /** Puts the jobs of workers that stopped without finishing back on the queue; returns how many. */
    public int recoverAbandoned(Instant now) {
        int recovered = 0;
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page = redis.client().scan(cursor, new ScanParams().match(PROCESSING + "*").count(100));
            for (String key : page.getResult()) {
                String owner = key.substring(PROCESSING.length());
                if (!owner.equals(instance) && !redis.client().exists(WORKER + owner)) {
                    Object n = redis.client().eval(RECOVER, List.of(key, QUEUE),
                            List.of(now.toString(), Integer.toString(MAX_ATTEMPTS), Long.toString(keepFor.toSeconds())));
                    recovered += ((Long) n).intValue();
                }
            }
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        return recovered;
    }

    /** The ids waiting in the queue, oldest first. */
    public List<String> queued() {
        List<String> ids = new ArrayList<>(redis.client().lrange(QUEUE, 0, -1));
        Collections.reverse(ids);
        return ids;
    }

    /** This instance stops taking jobs: its heartbeat goes, so another instance may recover what it held. */
    public void leave() {
        redis.client().del(WORKER + instance);
    }

    private String processing() {
        return PROCESSING + instance;
    }
}
