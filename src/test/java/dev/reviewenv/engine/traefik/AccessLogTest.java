package dev.reviewenv.engine.traefik;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessLogTest {
    @TempDir
    Path dir;

    /** A line as Traefik 3.7 writes it (taken from a real run, values changed). */
    static String line(String router, String start) {
        return "{\"ClientAddr\":\"127.0.0.1:40884\",\"ClientHost\":\"127.0.0.1\",\"DownstreamStatus\":200,\"RequestHost\":\""
                + router + ".localhost\",\"RequestMethod\":\"GET\",\"RequestPath\":\"/\",\"RouterName\":\"" + router
                + "@file\",\"ServiceName\":\"" + router + "@file\",\"StartLocal\":\"" + start + "\",\"StartUTC\":\"" + start
                + "\",\"entryPointName\":\"web\",\"level\":\"info\",\"msg\":\"\",\"time\":\"2026-11-22T09:55:51Z\"}\n";
    }

    /** A request no router took (a 404 of Traefik's own). */
    static final String NO_ROUTER = "{\"DownstreamStatus\":404,\"RequestHost\":\"y.localhost\","
            + "\"StartUTC\":\"2026-11-22T09:55:51.260340946Z\",\"level\":\"info\"}\n";

    Path log() {
        return dir.resolve("access.log");
    }

    AccessLog reader() {
        return new AccessLog(log(), dir.resolve("position"));
    }

    void append(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    static Instant t(int second) {
        return Instant.parse("2026-11-22T10:00:00.123456789Z").plusSeconds(second);
    }

    @Test
    void readsTheLatestRequestOfEachRouterAndOnlyWhatIsNew() throws IOException {
        AccessLog reader = reader();
        assertEquals(Map.of(), reader.readNew(), "no log yet is no request yet");
        append(log(), line("a", t(1).toString()) + line("b", t(2).toString()) + line("a", t(3).toString()) + NO_ROUTER);
        assertEquals(Map.of("a", t(3), "b", t(2)), reader.readNew());
        assertEquals(Map.of(), reader.readNew());
        append(log(), line("b", t(4).toString()));
        assertEquals(Map.of("b", t(4)), reader.readNew());
    }

    @Test
    void aLineTraefikIsStillWritingIsReadOnceComplete() throws IOException {
        AccessLog reader = reader();
        String whole = line("a", t(1).toString());
        append(log(), whole.substring(0, 40));
        assertEquals(Map.of(), reader.readNew());
        append(log(), whole.substring(40));
        assertEquals(Map.of("a", t(1)), reader.readNew());
    }

    @Test
    void aRestartGoesOnWhereTheLastReaderStopped() throws IOException {
        append(log(), line("a", t(1).toString()));
        assertEquals(Map.of("a", t(1)), reader().readNew());
        append(log(), line("b", t(2).toString()));
        assertEquals(Map.of("b", t(2)), reader().readNew(), "a new reader reads only what came after");
    }

    @Test
    void aLogRotatedByRenamingIsFinishedBeforeTheNewOneIsRead() throws IOException {
        AccessLog reader = reader();
        append(log(), line("a", t(1).toString()));
        reader.readNew();
        append(log(), line("b", t(2).toString()));
        Files.move(log(), dir.resolve("access.log.1"));
        append(log(), line("c", t(3).toString()));
        assertEquals(Map.of("b", t(2), "c", t(3)), reader.readNew());
        assertEquals(Map.of(), reader.readNew());
    }

    @Test
    void aLogTruncatedInPlaceIsReadFromItsStart() throws IOException {
        AccessLog reader = reader();
        append(log(), line("a", t(1).toString()) + line("a", t(2).toString()));
        reader.readNew();
        Files.writeString(log(), line("c", t(3).toString())); // copytruncate: same file, shorter
        assertEquals(Map.of("c", t(3)), reader.readNew());
    }

    @Test
    void malformedAndOverlongLinesAreSkipped() throws IOException {
        AccessLog reader = reader();
        append(log(), "not json\n{\"RouterName\":\"a@file\",\"StartUTC\":\"yesterday\"}\n"
                + "{\"RouterName\":\"" + "x".repeat(AccessLog.MAX_LINE) + "@file\",\"StartUTC\":\"" + t(1) + "\"}\n"
                + line("b", t(2).toString()));
        assertEquals(Map.of("b", t(2)), reader.readNew());
    }
}
