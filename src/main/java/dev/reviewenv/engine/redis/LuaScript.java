package dev.reviewenv.engine.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One Lua script of the queue, written with names instead of positions: its arguments are named
 * once ({@code ARGV[i]} becomes a local of that name), the values are passed by the same list, and
 * every word Java owns ({@code $queued}, {@code $job} for the job key prefix, ...) is put in from
 * Java, so a script never spells a status or a key of its own.
 */
final class LuaScript {
    private static final Pattern WORD = Pattern.compile("\\$([a-z]+)");

    private final List<String> arguments;
    private final String text;

    /** {@code arguments}: the names of ARGV[1..n]; {@code body} may use them and the {@code $words} of {@link #word}. */
    LuaScript(List<String> arguments, String body) {
        this.arguments = List.copyOf(arguments);
        StringBuilder head = new StringBuilder();
        for (int i = 0; i < arguments.size(); i++) {
            head.append("local ").append(arguments.get(i)).append(" = ARGV[").append(i + 1).append("]\n");
        }
        Matcher m = WORD.matcher(body);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement("'" + word(m.group(1)) + "'"));
        }
        m.appendTail(out);
        this.text = head + out.toString();
    }

    /** What a {@code $word} stands for: a job status's key, or one of the queue's key names. */
    static String word(String word) {
        for (JobStatus s : JobStatus.values()) {
            if (s.key().equals(word)) {
                return s.key();
            }
        }
        return switch (word) {
            case "job" -> RedisJobQueue.JOB;
            case "log" -> RedisJobQueue.LOG;
            default -> throw new IllegalArgumentException("the script names $" + word + ", which is no status or key of the queue");
        };
    }

    String text() {
        return text;
    }

    /** The values of the arguments by name (every name, no other), as ARGV; then {@code more}, read by the script with unpack. */
    List<String> args(Map<String, String> named, List<String> more) {
        if (!named.keySet().equals(new java.util.HashSet<>(arguments))) {
            throw new IllegalArgumentException("the script takes " + arguments + ", not " + named.keySet());
        }
        List<String> all = new ArrayList<>();
        arguments.forEach(name -> all.add(named.get(name)));
        all.addAll(more);
        return all;
    }

    List<String> args(Map<String, String> named) {
        return args(named, List.of());
    }
}
