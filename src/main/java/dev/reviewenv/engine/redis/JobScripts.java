package dev.reviewenv.engine.redis;

import java.util.List;

/**
 * The queue's changes of more than one key, each one Lua script so that it is atomic. Statuses
 * and key names come from Java ({@code $queued}, {@code $job}: see {@link LuaScript}); arguments
 * are named. KEYS are listed in each script's comment, in the order {@link RedisJobQueue} passes them.
 */
final class JobScripts {
    private JobScripts() {
    }

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

    /**
     * KEYS: the job, the pending map, the queue, the latest map, the sequence. Stores the job (its
     * fields follow the named arguments), cancels the branch's job that is still queued (returns its
     * id, or ''), and queues the new one.
     */
    static final LuaScript ENQUEUE = new LuaScript(List.of("branch", "id", "now", "keep"), """
            local cancelled = ''
            local seq = redis.call('INCR', KEYS[5])
            local old = redis.call('HGET', KEYS[2], branch)
            if old then
              local okey = $job .. old
              if redis.call('HGET', okey, 'status') == $queued then
                local why = 'superseded by job ' .. id .. ' before it started'
                redis.call('HSET', okey, 'status', $cancelled, 'finishedAt', now, 'error', why,
                  'output', (redis.call('HGET', okey, 'output') or '') .. (redis.call('GET', okey .. $log) or '') .. why .. '\\n')
                redis.call('DEL', okey .. $log)
                redis.call('EXPIRE', okey, keep)
                redis.call('LREM', KEYS[3], 0, old)
                cancelled = old
              end
            end
            redis.call('HSET', KEYS[1], unpack(ARGV, 5))
            redis.call('HSET', KEYS[1], 'seq', seq)
            redis.call('HSET', KEYS[2], branch, id)
            redis.call('HSET', KEYS[4], branch, seq)
            redis.call('LPUSH', KEYS[3], id)
            return cancelled
            """);

    /** KEYS: the job, the worker's processing list. Marks a queued job running (1); a job cancelled meanwhile is dropped (0). */
    static final LuaScript START = new LuaScript(List.of("id", "now", "worker"), """
            if redis.call('HGET', KEYS[1], 'status') ~= $queued then
              redis.call('LREM', KEYS[2], 0, id)
              return 0
            end
            redis.call('HSET', KEYS[1], 'status', $running, 'startedAt', now, 'worker', worker)
            redis.call('HINCRBY', KEYS[1], 'attempts', 1)
            return 1
            """);

    /** KEYS: the job, its log. Output grows in its own string: appending costs the size of what is appended. */
    static final LuaScript APPEND = new LuaScript(List.of("text", "limit", "keep"), TAIL + """
            local len = redis.call('APPEND', KEYS[2], text)
            local most = tonumber(limit)
            if len > 2 * most then
              redis.call('SET', KEYS[2], tail(redis.call('GETRANGE', KEYS[2], len - most, -1), most))
            end
            redis.call('EXPIRE', KEYS[2], keep)
            return redis.call('HINCRBY', KEYS[1], 'outputLength', #text)
            """);

    /**
     * KEYS: the job, the worker's processing list, the pending map, the job's log. Ends a job: the
     * output moves into the hash (the newest {@code limit} bytes), then the job expires after keep-for.
     */
    static final LuaScript FINISH = new LuaScript(List.of("id", "status", "now", "branch", "keep", "url", "why", "limit"),
            TAIL + """
            local log = redis.call('GET', KEYS[4])
            if log then
              redis.call('HSET', KEYS[1], 'output', (redis.call('HGET', KEYS[1], 'output') or '') .. tail(log, tonumber(limit)))
              redis.call('DEL', KEYS[4])
            end
            redis.call('HSET', KEYS[1], 'status', status, 'finishedAt', now)
            if why ~= '' then redis.call('HSET', KEYS[1], 'error', why) end
            if url ~= '' then redis.call('HSET', KEYS[1], 'url', url) end
            redis.call('LREM', KEYS[2], 0, id)
            if redis.call('HGET', KEYS[3], branch) == id then redis.call('HDEL', KEYS[3], branch) end
            redis.call('EXPIRE', KEYS[1], keep)
            return 1
            """);

    /** Puts one job of a worker that stopped back on the queue, or fails it after too many tries. */
    private static final String RECOVER_ONE = TAIL + """
            local function recover(id, queue, now, max, keep, limit)
              local key = $job .. id
              local status = redis.call('HGET', key, 'status')
              if status ~= $running and status ~= $queued then return 0 end
              local attempts = tonumber(redis.call('HGET', key, 'attempts') or '0')
              if attempts >= max then
                local why = 'the worker running this job stopped ' .. attempts .. ' times; giving up'
                local log = (redis.call('GET', key .. $log) or '') .. why .. '\\n'
                redis.call('HSET', key, 'status', $failed, 'finishedAt', now, 'error', why, 'output', tail(log, limit))
                redis.call('DEL', key .. $log)
                redis.call('EXPIRE', key, keep)
              else
                redis.call('HSET', key, 'status', $queued)
                redis.call('APPEND', key .. $log, '--- the worker running this job stopped; the job is taken again\\n')
                redis.call('RPUSH', queue, id)
              end
              return 1
            end
            """;

    /** KEYS: a silent worker's processing list, the queue. Recovers every job in the list; returns how many. */
    static final LuaScript RECOVER = new LuaScript(List.of("now", "max", "keep", "limit"), RECOVER_ONE + """
            local n = 0
            while true do
              local id = redis.call('RPOP', KEYS[1])
              if not id then break end
              n = n + recover(id, KEYS[2], now, tonumber(max), keep, tonumber(limit))
            end
            redis.call('DEL', KEYS[1])
            return n
            """);

    /** KEYS: this worker's processing list, the queue. Recovers one job still in the list (1), else nothing (0). */
    static final LuaScript REQUEUE = new LuaScript(List.of("now", "max", "keep", "limit", "id"), RECOVER_ONE + """
            if redis.call('LREM', KEYS[1], 0, id) == 0 then return 0 end
            return recover(id, KEYS[2], now, tonumber(max), keep, tonumber(limit))
            """);

    /**
     * KEYS: the job, this worker's processing list, the queue. A job this instance stops running (the
     * service is stopping): back to the head of the queue, the try not counted.
     */
    static final LuaScript HAND_BACK = new LuaScript(List.of("id", "note"), """
            if redis.call('HGET', KEYS[1], 'status') ~= $running then return 0 end
            redis.call('HSET', KEYS[1], 'status', $queued)
            redis.call('HINCRBY', KEYS[1], 'attempts', -1)
            redis.call('LREM', KEYS[2], 0, id)
            redis.call('RPUSH', KEYS[3], id)
            redis.call('APPEND', KEYS[1] .. $log, note)
            return 1
            """);
}
