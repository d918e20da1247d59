package dev.reviewenv.reaper;

import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.ScheduledExecution;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.List;

/**
 * {@code java -jar quarkus-run.jar reap [--dry-run]}: one reaper pass with the service down (or
 * beside it: the environment locks are file locks), for cron or a systemd timer. Prints one line
 * per environment. Exit codes: 0 all done, 1 some teardown failed (it is retried next pass),
 * 2 bad arguments.
 */
public class ReapCommand implements QuarkusApplication {
    /** Set while a one-shot pass runs, so that the process serves nothing else. */
    public static final String PROPERTY = "dev.reviewenv.one-shot";

    @Inject
    Reaper reaper;

    @Override
    public int run(String... args) {
        List<String> rest = List.of(args).subList(Math.min(1, args.length), args.length);
        boolean dryRun = rest.contains("--dry-run");
        if (rest.stream().anyMatch(a -> !a.equals("--dry-run"))) {
            System.err.println("usage: reap [--dry-run]");
            return 2;
        }
        Reaper.Report report = reaper.reap(Instant.now(), dryRun);
        report.lines().forEach(System.out::println);
        if (report.lines().isEmpty()) {
            System.out.println("nothing to reap");
        }
        return report.ok() ? 0 : 1;
    }

    /** The scheduled pass is skipped in the one-shot process. */
    @Singleton
    public static class OneShot implements Scheduled.SkipPredicate {
        @Override
        public boolean test(ScheduledExecution execution) {
            return Boolean.getBoolean(PROPERTY);
        }
    }
}
