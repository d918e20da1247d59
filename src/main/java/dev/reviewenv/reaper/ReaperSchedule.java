package dev.reviewenv.reaper;

import io.quarkus.scheduler.Scheduled;
import jakarta.inject.Singleton;
import java.time.Clock;

/** Runs a reaper pass every {@code reviewenv.reaper.every}. */
@Singleton
public class ReaperSchedule {
    private final Reaper reaper;
    private final Clock clock = Clock.systemUTC();

    public ReaperSchedule(Reaper reaper) {
        this.reaper = reaper;
    }

    @Scheduled(every = "${reviewenv.reaper.every}", delayed = "${reviewenv.reaper.every}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = ReapCommand.OneShot.class)
    void pass() {
        reaper.reap(clock.instant(), false);
    }
}
