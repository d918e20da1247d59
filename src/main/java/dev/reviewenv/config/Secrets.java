package dev.reviewenv.config;

import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Every value that must never be shown, held in one place: the operator's variables of every
 * repository (properties and variables files), the API token, webhook secrets and forge tokens.
 * Every sink masks with it: a job's output as it is written, the service log (a log filter), a
 * notification. A value shorter than {@link #MIN_LENGTH} characters is not masked: it would hide
 * every occurrence of a common word or number, and is no secret worth the name.
 */
@Singleton
@io.quarkus.runtime.Startup
public class Secrets {
    /** Shortest value that is masked. */
    public static final int MIN_LENGTH = 4;
    /** What stands for a value. */
    public static final String MASK = "******";
    /** The set the service log filter masks with (set at start, as the filter is made outside CDI). */
    private static final AtomicReference<Secrets> CURRENT = new AtomicReference<>();

    private final ReviewenvConfig config;
    private volatile List<String> values;

    @jakarta.inject.Inject
    public Secrets(ReviewenvConfig config) {
        this.config = config;
        this.values = collect(config);
        CURRENT.set(this);
    }

    private Secrets(List<String> values) {
        this.config = null;
        this.values = sorted(values);
    }

    /** A fixed set of values (for the parts that are made without the configuration, as in tests). */
    public static Secrets of(java.util.Collection<String> values) {
        return new Secrets(List.copyOf(values));
    }

    /** The set in use by the running service, if one was made. */
    public static java.util.Optional<Secrets> current() {
        return java.util.Optional.ofNullable(CURRENT.get());
    }

    /** Reads the variables files again (a deploy does, so an edited file is masked at once). */
    public void refresh() {
        if (config != null) {
            values = collect(config);
        }
    }

    /** {@code text} with every secret value replaced by {@link #MASK}. */
    public String mask(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = text;
        for (String v : values) {
            if (out.contains(v)) {
                out = out.replace(v, MASK);
            }
        }
        return out;
    }

    private static List<String> collect(ReviewenvConfig config) {
        Set<String> all = new LinkedHashSet<>();
        all.add(config.apiToken());
        config.repositories().forEach((name, r) -> {
            try {
                all.addAll(Variables.of(config, name).values());
            } catch (RuntimeException unreadable) {
                all.addAll(r.variables().values()); // the configuration check names the file
            }
            r.webhookSecret().ifPresent(all::add);
            r.forgeToken().ifPresent(all::add);
            r.cloneToken().ifPresent(all::add);
        });
        return sorted(new ArrayList<>(all));
    }

    /** The values worth masking, longer first (so a value that holds another is masked whole). */
    private static List<String> sorted(List<String> all) {
        List<String> values = new ArrayList<>(all.stream().filter(v -> v != null && v.length() >= MIN_LENGTH).distinct().toList());
        values.sort(Comparator.comparingInt(String::length).reversed());
        return List.copyOf(values);
    }
}
