package dev.reviewenv.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.reviewenv.config.Limits;
import dev.reviewenv.engine.record.EnvironmentRecord;
import dev.reviewenv.environment.ResourceUse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The JSON of each environment as the list writes it, kept while what it is made of is the same:
 * the record (the store hands back the same instance while its file is unchanged), its
 * {@code removeat} and {@code lastrequest}, its last resource sample and its limits. The one field
 * that moves with the clock, {@code expiresInSeconds}, is written between the two kept halves; so a
 * list over many environments costs a look at each one's files, not a serialization of each, and
 * readers of the same pages share that work.
 */
final class ViewBytes {
    /** Written in place of {@code expiresInSeconds} when the view is kept, then cut out. */
    private static final long MARK = Long.MIN_VALUE;
    private static final byte[] MARKED = ("\"expiresInSeconds\":" + MARK).getBytes(StandardCharsets.US_ASCII);
    private static final int MARK_DIGITS = Long.toString(MARK).length();

    /** What a view is made of (sample null: none yet). */
    record Parts(EnvironmentRecord record, Optional<Instant> removeAt, Optional<Instant> lastRequest, ResourceUse.Sample sample,
            Limits limits) {
        boolean same(Parts o) {
            return record == o.record && removeAt.equals(o.removeAt) && lastRequest.equals(o.lastRequest)
                    && Objects.equals(sample, o.sample) && Objects.equals(limits, o.limits);
        }
    }

    /** A view's JSON up to expiresInSeconds' value and after it (tail null: it has no such value). */
    private record Kept(Parts parts, byte[] head, byte[] tail) {
    }

    private final ConcurrentHashMap<String, Kept> kept = new ConcurrentHashMap<>();
    private final ObjectWriter writer;

    ViewBytes(ObjectWriter writer) {
        this.writer = writer;
    }

    /**
     * Writes the view of {@code parts}, made by {@code view} (given the mark for expiresInSeconds, or
     * null when there is no {@code removeat}) only when the kept one was made of other parts;
     * {@code expiresIn} is the field's value now.
     */
    void write(OutputStream out, Parts parts, Long expiresIn, Function<Long, EnvironmentView> view) throws IOException {
        String name = parts.record().name();
        Kept k = kept.get(name);
        if (k == null || !k.parts().same(parts)) {
            k = cut(parts, view.apply(parts.removeAt().isPresent() ? MARK : null));
            kept.put(name, k);
        }
        out.write(k.head());
        if (k.tail() != null) {
            out.write(Long.toString(expiresIn == null ? 0 : expiresIn).getBytes(StandardCharsets.US_ASCII));
            out.write(k.tail());
        }
    }

    /** Forgets the views of environments that are gone, once the kept ones outnumber {@code count} by far. */
    void prune(int count, Predicate<String> exists) {
        if (kept.size() > 2 * count + 64) {
            kept.keySet().removeIf(name -> !exists.test(name));
        }
    }

    private Kept cut(Parts parts, EnvironmentView marked) {
        byte[] json;
        try {
            json = writer.writeValueAsBytes(marked);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot write the view of " + parts.record().name(), e);
        }
        int at = indexOf(json, MARKED);
        if (at < 0) { // no removeat: nothing in it moves with the clock
            return new Kept(parts, json, null);
        }
        int digits = at + MARKED.length - MARK_DIGITS;
        return new Kept(parts, Arrays.copyOfRange(json, 0, digits), Arrays.copyOfRange(json, at + MARKED.length, json.length));
    }

    private static int indexOf(byte[] in, byte[] what) {
        outer:
        for (int i = 0; i + what.length <= in.length; i++) {
            for (int j = 0; j < what.length; j++) {
                if (in[i + j] != what[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
