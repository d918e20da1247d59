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
    volatile String answer = "";

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/push", exchange -> {
            received.add(new ObjectMapper().readTree(exchange.getRequestBody()));
            auth.add(exchange.getRequestHeaders().getFirst("Authorization"));
            byte[] body = answer.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, body.length);
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
    void aServiceThatIsDownIsReportedAndThePushStillSucceeds() throws Exception {
        GitFixture git = repo("http://127.0.0.1:" + RedisServer.freePort());
        String out = git.push("main");
        assertTrue(out.contains("is not reachable; no environment was started for main"), out);
        GitFixture noToken = repo("http://127.0.0.1:1").env("REVIEWENV_TOKEN", "");
        assertTrue(noToken.push("main:refs/heads/other").contains("REVIEWENV_TOKEN is not set"));
        noToken.close();
        git.close();
    }
}
