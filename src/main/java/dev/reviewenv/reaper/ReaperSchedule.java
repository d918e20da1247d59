package dev.reviewenv.reaper;

import dev.reviewenv.config.ReviewenvConfig;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.ScheduledExecution;
import jakarta.inject.Singleton;
import java.time.Clock;

/** Runs a reaper pass every {@code reviewenv.reaper.every}, in the service (not in the one-shot reaper). */
@Singleton
public class ReaperSchedule {
    private final Reaper reaper;
    private final Clock clock;

    public ReaperSchedule(Reaper reaper, Clock clock) {
        this.reaper = reaper;
        this.clock = clock;
    }

    @Scheduled(every = "${reviewenv.reaper.every}", delayed = "${reviewenv.reaper.every}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = OnlyInTheService.class)
    void pass() {
        reaper.reap(clock.instant(), false);
    }

    /** The one-shot process runs its own single pass; the schedule is the service's. */
    @Singleton
    public static class OnlyInTheService implements Scheduled.SkipPredicate {
        private final ReviewenvConfig config;

        public OnlyInTheService(ReviewenvConfig config) {
            this.config = config;
        }

        @Override
        public boolean test(ScheduledExecution execution) {
            return config.mode() != ReviewenvConfig.Mode.SERVICE;
        }
    }
}
