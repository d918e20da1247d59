package dev.reviewenv.engine.traefik;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessLogTest {
    @TempDir
    Path dir;

    /** A line as Traefik 3.7.15 writes it with {@code format: json} (from a real run; router and times changed). */
    static String line(String router, Instant start) {
        return "{\"ClientAddr\":\"127.0.0.1:50208\",\"ClientHost\":\"127.0.0.1\",\"ClientPort\":\"50208\","
                + "\"ClientUsername\":\"-\",\"DownstreamContentSize\":6,\"DownstreamStatus\":200,\"Duration\":10497905,"
                + "\"OriginContentSize\":6,\"OriginDuration\":10318489,\"OriginStatus\":200,\"Overhead\":179416,"
                + "\"RequestAddr\":\"" + router + ".localhost\",\"RequestContentSize\":0,\"RequestCount\":1,"
                + "\"RequestHost\":\"" + router + ".localhost\",\"RequestMethod\":\"GET\",\"RequestPath\":\"/\","
                + "\"RequestPort\":\"-\",\"RequestProtocol\":\"HTTP/1.1\",\"RequestScheme\":\"http\",\"RetryAttempts\":0,"
                + "\"RouterName\":\"" + router + "@file\",\"ServiceAddr\":\"127.0.0.1:38747\","
                + "\"ServiceName\":\"" + router + "@file\",\"ServiceURL\":\"http://127.0.0.1:38747\","
                + "\"StartLocal\":\"" + start + "\",\"StartUTC\":\"" + start + "\","
                + "\"entryPointName\":\"web\",\"level\":\"info\",\"msg\":\"\",\"time\":\"2026-11-22T10:42:45Z\"}\n";
    }

    /** A request no router took: Traefik's own 404, with no RouterName (from the same run). */
    static final String NO_ROUTER = "{\"ClientAddr\":\"127.0.0.1:50210\",\"ClientHost\":\"127.0.0.1\",\"ClientPort\":\"50210\","
            + "\"ClientUsername\":\"-\",\"DownstreamContentSize\":19,\"DownstreamStatus\":404,\"Duration\":58066,"
            + "\"GzipRatio\":0,\"OriginContentSize\":0,\"OriginDuration\":0,\"OriginStatus\":0,\"Overhead\":58066,"
            + "\"RequestAddr\":\"nope.localhost\",\"RequestContentSize\":0,\"RequestCount\":2,"
            + "\"RequestHost\":\"nope.localhost\",\"RequestMethod\":\"GET\",\"RequestPath\":\"/\",\"RequestPort\":\"-\","
            + "\"RequestProtocol\":\"HTTP/1.1\",\"RequestScheme\":\"http\",\"RetryAttempts\":0,"
            + "\"StartLocal\":\"2026-11-22T10:42:45.378656791Z\",\"StartUTC\":\"2026-11-22T10:42:45.378656791Z\","
            + "\"entryPointName\":\"web\",\"level\":\"info\",\"msg\":\"\",\"time\":\"2026-11-22T10:42:45Z\"}\n";

    Path log() {
        return dir.resolve("access.log");
    }

    Path positionFile() {
        return dir.resolve("state").resolve("access-log.position");
    }

    AccessLog reader() {
        return new AccessLog(log(), positionFile());
    }

    static void append(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    static Instant t(int second) {
        return Instant.parse("2026-11-22T10:00:00.123456789Z").plusSeconds(second);
    }

    @Test
    void readsTheLatestRequestOfEachRouterAndOnlyWhatIsNew() throws IOException {
        AccessLog reader = reader();
        append(log(), line("a", t(1)) + line("b", t(2)) + line("a", t(3)) + NO_ROUTER);
        assertEquals(Map.of("a", t(3), "b", t(2)), reader.readNew());
        assertEquals(Map.of(), reader.readNew());
        append(log(), line("b", t(5)) + line("b", t(4)));
        assertEquals(Map.of("b", t(5)), reader.readNew(), "the latest, not the last written");
    }

    @Test
    void readsTimesAsTraefikTrimsThem() throws IOException {
        // Go drops trailing zeros of the fraction: 2026-11-22T10:42:45.35147416Z is what Traefik wrote
        append(log(), line("x", Instant.parse("2026-11-22T10:42:45.351474160Z")).replace(".351474160Z", ".35147416Z"));
        assertEquals(Map.of("x", Instant.parse("2026-11-22T10:42:45.35147416Z")), reader().readNew());
    }

    @Test
    void noLogYetIsNoRequestYet() throws IOException {
        AccessLog reader = reader();
        assertEquals(Map.of(), reader.readNew());
        assertFalse(Files.exists(positionFile()), "nothing read, nothing to remember");
        append(log(), line("a", t(1)));
        assertEquals(Map.of("a", t(1)), reader.readNew());
        Files.delete(log());
        assertEquals(Map.of(), reader.readNew());
        assertEquals(Map.of(), reader().readNew(), "a remembered position of a log now gone is no failure");
    }

    @Test
    void aLineTraefikIsStillWritingIsReadOnceComplete() throws IOException {
        AccessLog reader = reader();
        String whole = line("a", t(1));
        append(log(), line("b", t(2)) + whole.substring(0, 300));
        assertEquals(Map.of("b", t(2)), reader.readNew());
        assertEquals(Map.of(), reader.readNew());
        append(log(), whole.substring(300));
        assertEquals(Map.of("a", t(1)), reader.readNew());
    }

    @Test
    void aRestartGoesOnWhereTheLastReaderStopped() throws IOException {
        append(log(), line("a", t(1)) + line("b", t(2)).substring(0, 100));
        assertEquals(Map.of("a", t(1)), reader().readNew());
        long inode = ((Number) Files.getAttribute(log(), "unix:ino")).longValue();
        assertEquals(inode + " " + line("a", t(1)).length() + "\n", Files.readString(positionFile()));
        append(log(), line("b", t(2)).substring(100));
        assertEquals(Map.of("b", t(2)), reader().readNew(), "a new reader reads only what came after");
    }

    @Test
    void thePositionIsWrittenOnlyWhenItMoves() throws IOException {
        AccessLog reader = reader();
        append(log(), line("a", t(1)));
        reader.readNew();
        Files.delete(positionFile());
        assertEquals(Map.of(), reader.readNew());
        assertFalse(Files.exists(positionFile()));
    }

    @Test
    void aLogRotatedByRenamingIsFinishedBeforeTheNewOneIsRead() throws IOException {
        AccessLog reader = reader();
        append(log(), line("a", t(1)));
        reader.readNew();
        append(log(), line("b", t(2)));
        Files.move(log(), dir.resolve("access.log.1"));
        append(log(), line("c", t(3)));
        assertEquals(Map.of("b", t(2), "c", t(3)), reader.readNew());
        assertEquals(Map.of(), reader.readNew());
        append(log(), line("d", t(4)));
        assertEquals(Map.of("d", t(4)), reader.readNew());
    }

    @Test
    void aRenamedLogIsKeptToUntilTraefikWritesTheNewOne() throws IOException {
        AccessLog reader = reader();
        append(log(), line("a", t(1)));
        reader.readNew();
        Path old = dir.resolve("access.log.1");
        Files.move(log(), old);
        Files.createFile(log()); // logrotate's create; Traefik writes the old file until it reopens
        append(old, line("b", t(2)));
        assertEquals(Map.of("b", t(2)), reader.readNew());
        append(old, line("c", t(3)));
        append(log(), line("d", t(4)));
        assertEquals(Map.of("c", t(3), "d", t(4)), reader.readNew());
    }

    @Test
    void aRestartFinishesALogRenamedMeanwhile() throws IOException {
        append(log(), line("a", t(1)));
        reader().readNew();
        append(log(), line("b", t(2)));
        Files.move(log(), dir.resolve("access.log.1"));
        append(log(), line("c", t(3)));
        assertEquals(Map.of("b", t(2), "c", t(3)), reader().readNew());
    }

    @Test
    void aRenamedLogGoneMeanwhileLeavesTheNewOneFromItsStart() throws IOException {
        AccessLog reader = reader();
        append(log(), line("a", t(1)));
        reader.readNew();
        Files.move(log(), dir.resolve("access.log.1"));
        append(log(), line("c", t(3)));
        Files.delete(dir.resolve("access.log.1"));
        assertEquals(Map.of("c", t(3)), reader.readNew());
    }

    @Test
    void aLogTruncatedInPlaceIsReadFromItsStart() throws IOException {
        AccessLog reader = reader();
        append(log(), line("a", t(1)) + line("a", t(2)));
        reader.readNew();
        long inode = ((Number) Files.getAttribute(log(), "unix:ino")).longValue();
        Files.writeString(log(), line("c", t(3))); // copytruncate: the same file, shorter
        assertEquals(inode, ((Number) Files.getAttribute(log(), "unix:ino")).longValue());
        assertEquals(Map.of("c", t(3)), reader.readNew());
        assertEquals(Map.of(), reader.readNew());
    }

    @Test
    void malformedRouterlessAndOverlongLinesAreSkipped() throws IOException {
        AccessLog reader = reader();
        append(log(), "not json\n\n[1]\nnull\n{\"RouterName\":\"a@file\",\"StartUTC\":\"yesterday\"}\n"
                + "{\"RouterName\":\"a@file\"}\n{\"RouterName\":\"@file\",\"StartUTC\":\"" + t(1) + "\"}\n"
                + "{\"RouterName\":\"x" + "x".repeat(AccessLog.MAX_LINE) + "@file\",\"StartUTC\":\"" + t(1) + "\"}\n"
                + NO_ROUTER + line("b", t(2)));
        assertEquals(Map.of("b", t(2)), reader.readNew());
    }

    @Test
    void eachCallReadsABoundedPartOfABacklog() throws IOException {
        int size = line("a", t(0)).length();
        AccessLog reader = new AccessLog(log(), positionFile(), size * 3 / 2);
        for (int i = 0; i < 5; i++) {
            append(log(), line("r" + i, t(i)));
        }
        Map<String, Instant> all = new HashMap<>();
        for (int i = 0; i < 5; i++) {
            Map<String, Instant> some = reader.readNew();
            assertEquals(Map.of("r" + i, t(i)), some, "call " + i + " takes one line and a half, reads the one");
            all.putAll(some);
        }
        assertEquals(Map.of(), reader.readNew());
        assertEquals(5, all.size());
    }

    @Test
    void aBoundedReadOfARenamedLogLosesNothingOfIt() throws IOException {
        int size = line("a", t(0)).length();
        AccessLog reader = new AccessLog(log(), positionFile(), size * 3 / 2);
        append(log(), line("a", t(0)));
        reader.readNew();
        append(log(), line("b", t(1)) + line("c", t(2)));
        Files.move(log(), dir.resolve("access.log.1"));
        append(log(), line("d", t(3)));
        assertEquals(Map.of("b", t(1)), reader.readNew());
        assertEquals(Map.of("c", t(2)), reader.readNew());
        assertEquals(Map.of("d", t(3)), reader.readNew());
        assertEquals(Map.of(), reader.readNew());
    }
}
