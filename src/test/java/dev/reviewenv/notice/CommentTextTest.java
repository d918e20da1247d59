package dev.reviewenv.notice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CommentTextTest {
    @Test
    void theCommentSaysWhatRunsWhereWhichCommitAndForHowLong() {
        String running = CommentText.of("pr-7", "running", "http://pr-7.localhost", "3f786850e387550fdab836ed7e6dc881de23001b",
                Optional.of(Duration.ofHours(167).plusMinutes(5)), null);
        assertTrue(running.startsWith("**Review environment** `pr-7`: running\n"), running);
        assertTrue(running.contains("| URL | http://pr-7.localhost |"), running);
        assertTrue(running.contains("| commit | `3f786850e387` |"), running);
        assertTrue(running.contains("| expires in | 6 d 23 h |"), running);
        String ended = CommentText.of("pr-7", "ended", "http://pr-7.localhost", "3f786850e387550fdab836ed7e6dc881de23001b",
                Optional.empty(), "pr-closed");
        assertTrue(ended.startsWith("**Review environment** `pr-7`: ended (pr-closed)"), ended);
        assertFalse(ended.contains("| URL |"), "an ended environment has no URL to follow");
    }

    @Test
    void aDurationReadsAsAPersonSaysIt() {
        assertEquals("5 h 10 min", CommentText.human(Duration.ofMinutes(310)));
        assertEquals("12 min", CommentText.human(Duration.ofMinutes(12)));
        assertEquals("2 d", CommentText.human(Duration.ofDays(2)));
        assertEquals("0 min", CommentText.human(Duration.ofMinutes(-3)), "past due reads as none left");
    }
}
