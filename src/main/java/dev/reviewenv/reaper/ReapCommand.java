package dev.reviewenv.reaper;

import io.quarkus.runtime.QuarkusApplication;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.List;

/**
 * {@code java -jar quarkus-run.jar reap [--dry-run]}: one reaper pass with the service down (or
 * beside it: the environment locks are file locks), for cron or a systemd timer. It runs in the
 * {@code reap} profile ({@code reviewenv.mode=reap}: no HTTP port, no workers, no schedule).
 * Prints one line per environment. Exit codes: 0 all done, 1 some teardown failed (it is retried
 * next pass), 2 bad arguments.
 */
public class ReapCommand implements QuarkusApplication {
    /** The Quarkus profile of the one-shot process; application.properties sets what it changes. */
    public static final String PROFILE = "reap";

    @Inject
    Reaper reaper;

    @Inject
    Clock clock;

    @Override
    public int run(String... args) {
        List<String> rest = List.of(args).subList(Math.min(1, args.length), args.length);
        boolean dryRun = rest.contains("--dry-run");
        if (rest.stream().anyMatch(a -> !a.equals("--dry-run"))) {
            System.err.println("usage: reap [--dry-run]");
            return 2;
        }
        Reaper.Report report = reaper.reap(clock.instant(), dryRun);
        report.lines().forEach(System.out::println);
        if (report.lines().isEmpty()) {
            System.out.println("nothing to reap");
        }
        return report.ok() ? 0 : 1;
    }
}
