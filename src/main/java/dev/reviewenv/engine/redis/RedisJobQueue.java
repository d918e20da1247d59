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
    /** Branch key to the sequence number of its newest job: newest wins. */
    static final String LATEST = "reviewenv:latest";
    static final String SEQ = "reviewenv:seq";
    private static final String LOG = ":log";
    public static final int MAX_ATTEMPTS = 3;

    /** Cuts a log to its last {@code limit} bytes, at a line start. */
    private static final String TAIL = """
            local function tail(s, limit)
              if #s <= limit then return s end
              s = string.sub(s, #s - limit + 1)
              local nl = string.find(s, '\\n', 1, true)
              if nl and nl < #s then s = string.sub(s, nl + 1) end
              return s
            end
            """;
    private static final String ENQUEUE = """
            local cancelled = ''
            local seq = redis.call('INCR', KEYS[5])
            local old = redis.call('HGET', KEYS[2], ARGV[1])
            if old then
              local okey = 'reviewenv:job:' .. old
              if redis.call('HGET', okey, 'status') == 'queued' then
                local why = 'superseded by job ' .. ARGV[2] .. ' before it started'
                redis.call('HSET', okey, 'status', 'cancelled', 'finishedAt', ARGV[3], 'error', why,
                  'output', (redis.call('HGET', okey, 'output') or '') .. (redis.call('GET', okey .. ':log') or '') .. why .. '\\n')
                redis.call('DEL', okey .. ':log')
                redis.call('EXPIRE', okey, ARGV[4])
                redis.call('LREM', KEYS[3], 0, old)
                cancelled = old
              end
            end
            redis.call('HSET', KEYS[1], unpack(ARGV, 5))
            redis.call('HSET', KEYS[1], 'seq', seq)
            redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
            redis.call('HSET', KEYS[4], ARGV[1], seq)
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
    /** Output grows in its own string ({@code <job>:log}): appending costs the size of what is appended. */
    private static final String APPEND = TAIL + """
            local len = redis.call('APPEND', KEYS[2], ARGV[1])
            local limit = tonumber(ARGV[2])
            if len > 2 * limit then
              redis.call('SET', KEYS[2], tail(redis.call('GETRANGE', KEYS[2], len - limit, -1), limit))
            end
            redis.call('EXPIRE', KEYS[2], ARGV[3])
            return redis.call('HINCRBY', KEYS[1], 'outputLength', #ARGV[1])
            """;
    /** Ends a job: the output moves into the hash (the newest {@code limit} bytes), then the job expires after keep-for. */
    private static final String FINISH = TAIL + """
            local log = redis.call('GET', KEYS[4])
            if log then
              redis.call('HSET', KEYS[1], 'output', (redis.call('HGET', KEYS[1], 'output') or '') .. tail(log, tonumber(ARGV[8])))
              redis.call('DEL', KEYS[4])
            end
            redis.call('HSET', KEYS[1], 'status', ARGV[2], 'finishedAt', ARGV[3])
            if ARGV[7] ~= '' then redis.call('HSET', KEYS[1], 'error', ARGV[7]) end
            if ARGV[6] ~= '' then redis.call('HSET', KEYS[1], 'url', ARGV[6]) end
            redis.call('LREM', KEYS[2], 0, ARGV[1])
            if redis.call('HGET', KEYS[3], ARGV[4]) == ARGV[1] then redis.call('HDEL', KEYS[3], ARGV[4]) end
            redis.call('EXPIRE', KEYS[1], ARGV[5])
            return 1
            """;
    /** Puts one job of a worker that stopped back on the queue, or fails it after too many tries. */
    private static final String RECOVER_ONE = TAIL + """
            local function recover(id, queue, now, max, keep, limit)
              local key = 'reviewenv:job:' .. id
              local status = redis.call('HGET', key, 'status')
              if status ~= 'running' and status ~= 'queued' then return 0 end
              local attempts = tonumber(redis.call('HGET', key, 'attempts') or '0')
              if attempts >= max then
                local why = 'the worker running this job stopped ' .. attempts .. ' times; giving up'
                local log = (redis.call('GET', key .. ':log') or '') .. why .. '\\n'
                redis.call('HSET', key, 'status', 'failed', 'finishedAt', now, 'error', why, 'output', tail(log, limit))
                redis.call('DEL', key .. ':log')
                redis.call('EXPIRE', key, keep)
              else
                redis.call('HSET', key, 'status', 'queued')
                redis.call('APPEND', key .. ':log', '--- the worker running this job stopped; the job is taken again\\n')
                redis.call('RPUSH', queue, id)
              end
              return 1
            end
            """;
    private static final String RECOVER = RECOVER_ONE + """
            local n = 0
            while true do
              local id = redis.call('RPOP', KEYS[1])
              if not id then break end
              n = n + recover(id, KEYS[2], ARGV[1], tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4]))
            end
            redis.call('DEL', KEYS[1])
            return n
            """;
    private static final String REQUEUE = RECOVER_ONE + """
            if redis.call('LREM', KEYS[1], 0, ARGV[5]) == 0 then return 0 end
            return recover(ARGV[5], KEYS[2], ARGV[1], tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4]))
            """;
    /** A job this instance stops running (the service is stopping): back to the head of the queue, the try not counted. */
    private static final String HAND_BACK = """
            if redis.call('HGET', KEYS[1], 'status') ~= 'running' then return 0 end
            redis.call('HSET', KEYS[1], 'status', 'queued')
            redis.call('HINCRBY', KEYS[1], 'attempts', -1)
            redis.call('LREM', KEYS[2], 0, ARGV[1])
            redis.call('RPUSH', KEYS[3], ARGV[1])
            redis.call('APPEND', KEYS[1] .. ':log', ARGV[2])
            return 1
            """;

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

    /** The instance id of this process's workers. */
    public String instance() {
        return instance;
    }

    /**
     * Stores a new job hash and queues its id. A job of the same branch ({@code branchKey}) that
     * is still {@code queued} ends {@code cancelled}; its id is returned.
     */
    public Optional<String> enqueue(String id, String branchKey, Map<String, String> fields, Instant now) {
        return redis.call(c -> {
            List<String> args = new ArrayList<>(List.of(branchKey, id, now.toString(), Long.toString(keepFor.toSeconds())));
            fields.forEach((k, v) -> {
                args.add(k);
                args.add(v == null ? "" : v);
            });
            Object cancelled = c.eval(ENQUEUE, List.of(JOB + id, PENDING, QUEUE, LATEST, SEQ), args);
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
            Object started = c.eval(START, List.of(JOB + id, processing()), List.of(id, now.get().toString(), instance));
            if (!Long.valueOf(1).equals(started)) {
                return Optional.empty();
            }
            return find(id);
        });
    }

    /** Appends to a job's output; the stored output keeps the newest {@code outputLimit} bytes. */
    public void append(String id, String text) {
        redis.run(c -> {
            c.eval(APPEND, List.of(JOB + id, JOB + id + LOG),
                    List.of(text, Integer.toString(outputLimit), Long.toString(keepFor.toSeconds())));
        });
    }

    /** Ends a job: its status, and the url or error when there is one. */
    public void finish(String id, String branchKey, String status, String url, String error, Instant now) {
        redis.run(c -> {
            c.eval(FINISH, List.of(JOB + id, processing(), PENDING, JOB + id + LOG), List.of(id, status, now.toString(),
                    branchKey, Long.toString(keepFor.toSeconds()), url == null ? "" : url, error == null ? "" : error,
                    Integer.toString(outputLimit)));
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
            return Long.valueOf(1).equals(c.eval(HAND_BACK, List.of(JOB + id, processing(), QUEUE), List.of(id, note)));
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
                Object r = c.eval(REQUEUE, List.of(processing(), QUEUE), List.of(now.toString(),
                        Integer.toString(MAX_ATTEMPTS), Long.toString(keepFor.toSeconds()), Integer.toString(outputLimit), id));
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
            String status = v.get(2) == null ? null : new String(v.get(2), StandardCharsets.UTF_8);
            return new OutputChunk(out, total, status);
        });
    }

    /** {@code bytes} are the last bytes of everything appended, which is {@code total} long. */
    public record OutputChunk(byte[] bytes, long total, String status) {
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
                        Object n = c.eval(RECOVER, List.of(key, QUEUE), List.of(now.toString(),
                                Integer.toString(MAX_ATTEMPTS), Long.toString(keepFor.toSeconds()), Integer.toString(outputLimit)));
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

    private String processing() {
        return PROCESSING + instance;
    }
}
