package dev.reviewenv.hooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.reviewenv.testsupport.GitFixture;
import dev.reviewenv.testsupport.RedisServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.io.TempDir;

/**
 * hooks/post-receive against a stand-in for the service's HTTP API (real git, real curl): what
 * it sends, what it prints, and that the push never fails because of it.
 */
class PostReceiveHookTest {
    @TempDir
    Path tmp;

    HttpServer server;
    final List<JsonNode> received = new CopyOnWriteArrayList<>();
    final List<String> auth = new CopyOnWriteArrayList<>();
    volatile int status = 202;
    /** The first this many requests are answered 503, as while Redis restarts. */
    volatile int unavailable;
    volatile String answer = "";

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/push", exchange -> {
            received.add(new ObjectMapper().readTree(exchange.getRequestBody()));
            auth.add(exchange.getRequestHeaders().getFirst("Authorization"));
            byte[] body = answer.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(received.size() <= unavailable ? 503 : status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    GitFixture repo(String url) throws Exception {
        GitFixture git = new GitFixture(Files.createDirectories(tmp.resolve("git")), "team/shop", url, "hook-token-0123456789");
        git.branch("main").file("README", "x");
        git.commit("x");
        return git;
    }

    @Test
    void itPostsEachBranchWithOptionsAndPrintsTheJobAndUrl() throws Exception {
        answer = "{\"job\":\"11111111-2222-3333-4444-555555555555\",\"environment\":\"feature-a-b\","
                + "\"url\":\"http://feature-a-b.localhost\",\"action\":\"deploy\",\"repository\":\"team/shop\"}";
        GitFixture git = repo("http://127.0.0.1:" + server.getAddress().getPort());
        String sha = git.commit("y");
        String out = git.push("main:refs/heads/feature/a\"b", "-o", "lifetime=2d", "-o", "note=a \"quoted\" value");
        assertTrue(out.contains("started job 11111111-2222-3333-4444-555555555555 for team/shop"), out);
        assertTrue(out.contains("http://feature-a-b.localhost"), out);
        assertEquals(1, received.size());
        JsonNode push = received.get(0);
        assertEquals(git.bare().toRealPath().toString(), push.get("repository").asText());
        assertEquals("refs/heads/feature/a\"b", push.get("ref").asText());
        assertEquals(sha, push.get("after").asText());
        assertEquals("0".repeat(40), push.get("before").asText());
        assertEquals("2d", push.at("/options/lifetime").asText());
        assertEquals("a \"quoted\" value", push.at("/options/note").asText());
        assertEquals("Bearer hook-token-0123456789", auth.get(0));
        assertFalse(out.contains("hook-token-0123456789"), "the token is never printed");
        git.close();
    }

    @Test
    void aRefusalIsReportedAndThePushStillSucceeds() throws Exception {
        status = 422;
        answer = "{\"error\":\"unknown repository\",\"detail\":\"no bare repository team/shop under /srv/git\"}";
        GitFixture git = repo("http://127.0.0.1:" + server.getAddress().getPort());
        String out = git.push("main");
        assertTrue(out.contains("reviewenv refused main (HTTP 422): no bare repository team/shop under /srv/git"), out);
        git.push("main:refs/tags/v1");
        assertEquals(1, received.size(), "tags are not sent");
        git.close();
    }

    @Test
    void aServiceThatIsDownGetsThePushQueuedOnDiskSignedWithTheTokenAndThePushStillSucceeds() throws Exception {
        Path spool = tmp.resolve("spool");
        GitFixture git = repo("http://127.0.0.1:" + RedisServer.freePort()).env("REVIEWENV_SPOOL", spool.toString());
        String out = git.push("main");
        assertTrue(out.contains("the push of main is queued in " + spool), out);
        List<Path> queued;
        try (var files = Files.list(spool)) {
            queued = files.toList();
        }
        assertEquals(1, queued.size(), queued.toString());
        assertTrue(queued.get(0).getFileName().toString().endsWith(".push"));
        String[] lines = Files.readString(queued.get(0)).split("\n", 2);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec("hook-token-0123456789".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        assertEquals(HexFormat.of().formatHex(mac.doFinal(lines[1].strip().getBytes(StandardCharsets.UTF_8))), lines[0]);
        assertEquals("refs/heads/main", new ObjectMapper().readTree(lines[1]).get("ref").asText());

        GitFixture unwritable = repo("http://127.0.0.1:" + RedisServer.freePort()).env("REVIEWENV_SPOOL", "/proc/none");
        assertTrue(unwritable.push("main:refs/heads/x").contains("could not be queued"));
        GitFixture noToken = repo("http://127.0.0.1:1").env("REVIEWENV_TOKEN", "");
        assertTrue(noToken.push("main:refs/heads/other").contains("REVIEWENV_TOKEN is not set"));
        noToken.close();
        unwritable.close();
        git.close();
    }

    @Test
    void aServiceThatAnswers503IsAskedAgain() throws Exception {
        answer = "{\"job\":\"11111111-2222-3333-4444-555555555555\",\"environment\":\"main\","
                + "\"url\":\"http://main.localhost\",\"action\":\"deploy\",\"repository\":\"team/shop\"}";
        unavailable = 2;
        GitFixture git = repo("http://127.0.0.1:" + server.getAddress().getPort());
        String out = git.push("main");
        assertTrue(out.contains("started job 11111111-2222-3333-4444-555555555555"), out);
        assertEquals(3, received.size(), "asked again after each 503");
        git.close();
    }

    @Test
    void variablesOfTheEnvironmentWinOverTheHookEnvFile() throws Exception {
        answer = "{\"job\":\"11111111-2222-3333-4444-555555555555\",\"environment\":\"main\","
                + "\"url\":\"http://main.localhost\",\"action\":\"deploy\",\"repository\":\"team/shop\"}";
        Path envFile = tmp.resolve("hook.env");
        Files.writeString(envFile, "REVIEWENV_URL=http://127.0.0.1:1\nREVIEWENV_TOKEN=\"from-the-file-0123456\"\nexport REVIEWENV_WAIT=0\n");
        GitFixture git = repo("http://127.0.0.1:" + server.getAddress().getPort()).env("REVIEWENV_HOOK_ENV", envFile.toString())
                .env("REVIEWENV_TOKEN", "");
        String out = git.push("main");
        assertTrue(out.contains("started job"), "REVIEWENV_URL of the environment was used:\n" + out);
        assertEquals("Bearer from-the-file-0123456", auth.get(0), "a variable the environment leaves empty is taken from the file");
        git.close();
    }
}
