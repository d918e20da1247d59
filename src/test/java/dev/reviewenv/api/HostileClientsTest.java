package dev.reviewenv.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reviewenv.testsupport.HostServices;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import redis.clients.jedis.RedisClient;

/**
 * Clients that misbehave on purpose, against the running service: they get the API's JSON error
 * with the right status, are dropped when slow, are limited when guessing passwords, and none of
 * it stops the service from answering everyone else.
 */
@QuarkusTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@WithTestResource(value = HostServices.class, initArgs = @ResourceArg(name = "config", value = """
        reviewenv.basic-auth=reviewer:$2a$10$OpkPEPV3Id5DB5lvUqUflu3yePdB7jb5qQWu5bk3G8RZ8jM2LgDo.
        """))
class HostileClientsTest {
    static final String PASSWORD = "let-me-review";
    static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/")
    URL service;

    /** A raw HTTP/1.1 exchange: what the server sent, until it closed or {@code wait} passed. */
    record Raw(String text, boolean closed, long millis) {
        int status() {
            return text.startsWith("HTTP/1.1 ") ? Integer.parseInt(text.substring(9, 12)) : -1;
        }

        JsonNode body() throws IOException {
            return JSON.readTree(text.substring(text.indexOf("\r\n\r\n") + 4));
        }
    }

    Socket connect() throws IOException {
        return new Socket(service.getHost(), service.getPort());
    }

    static Raw read(Socket s, Duration wait) throws IOException {
        long start = System.nanoTime();
        long deadline = start + wait.toNanos();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        boolean closed = false;
        try {
            InputStream in = s.getInputStream();
            byte[] buf = new byte[8192];
            int n = 0;
            while (n >= 0 && System.nanoTime() < deadline) {
                s.setSoTimeout((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                n = in.read(buf);
                if (n > 0) {
                    got.write(buf, 0, n);
                }
            }
            closed = n < 0;
        } catch (SocketTimeoutException stillOpen) {
            // what came so far
        } catch (IOException reset) {
            closed = true;
        }
        return new Raw(got.toString(StandardCharsets.UTF_8), closed, (System.nanoTime() - start) / 1_000_000);
    }

    static void assertJsonError(Raw r, int status, String error) throws IOException {
        assertEquals(status, r.status(), r.text());
        assertTrue(r.text().contains("Content-Type: application/json"), r.text());
        assertEquals(error, r.body().path("error").asText(), r.text());
        assertTrue(r.body().path("detail").asText().length() > 10, "a detail that says why: " + r.text());
    }

    @Test
    void slowClientsAreDroppedWithATimeoutAndTheRestAreServedMeanwhile() throws Exception {
        List<CompletableFuture<Raw>> drips = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            drips.add(CompletableFuture.supplyAsync(() -> {
                try (Socket s = connect()) {
                    OutputStream out = s.getOutputStream();
                    byte[] head = "GET /api/environments HTTP/1.1\r\nHost: x\r\nX-Filler: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n"
                            .getBytes(StandardCharsets.US_ASCII);
                    long start = System.nanoTime();
                    for (byte b : head) {
                        try {
                            out.write(b);
                            out.flush();
                        } catch (IOException closedOnUs) {
                            break;
                        }
                        if (s.getInputStream().available() > 0) {
                            break;
                        }
                        Thread.sleep(1000);
                    }
                    Raw r = read(s, Duration.ofSeconds(5));
                    return new Raw(r.text(), r.closed(), (System.nanoTime() - start) / 1_000_000);
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        // A slow body: the head at once, then a byte a second.
        CompletableFuture<Raw> slowBody = CompletableFuture.supplyAsync(() -> {
            try (Socket s = connect()) {
                OutputStream out = s.getOutputStream();
                out.write(("POST /api/push HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + HostServices.TOKEN
                        + "\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                for (int i = 0; i < 60 && s.getInputStream().available() == 0; i++) {
                    try {
                        out.write('{');
                        out.flush();
                    } catch (IOException closedOnUs) {
                        break;
                    }
                    Thread.sleep(1000);
                }
                return read(s, Duration.ofSeconds(5));
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(3000);
        given().auth().oauth2(HostServices.TOKEN).get("/api/environments").then().statusCode(200);
        for (CompletableFuture<Raw> drip : drips) {
            Raw r = drip.get();
            assertJsonError(r, 408, "request timeout");
            assertTrue(r.closed(), "and closed");
            assertTrue(r.millis() < RequestHeads.HEAD_TIME.toMillis() + 5000, "within the head's time: " + r.millis() + " ms");
        }
        Raw body = slowBody.get();
        assertJsonError(body, 408, "request timeout");
        assertTrue(body.closed());
    }

    @Test
    void aLongUrlALargeHeadAndALargeChunkedBodyGetTheJsonError() throws Exception {
        try (Socket s = connect()) {
            s.getOutputStream().write(("GET /api/environments?x=" + "a".repeat(8 * 1024) + " HTTP/1.1\r\nHost: x\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            assertJsonError(read(s, Duration.ofSeconds(10)), 414, "uri too long");
        }
        try (Socket s = connect()) {
            s.getOutputStream().write(("GET /api/environments HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(64 * 1024) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            assertJsonError(read(s, Duration.ofSeconds(10)), 431, "request header fields too large");
        }
        try (Socket s = connect()) {
            OutputStream out = s.getOutputStream();
            out.write(("POST /api/push HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + HostServices.TOKEN
                    + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            // The start of a JSON object whose first string never ends: a parser reads it all.
            out.write("f\r\n{\"repository\":\"\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = ("10000\r\n" + "c".repeat(0x10000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            try {
                for (int i = 0; i < 160; i++) { // 10 MiB
                    out.write(chunk);
                }
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            } catch (IOException closedOnUs) {
                // the answer came before the rest was sent
            }
            assertJsonError(read(s, Duration.ofSeconds(10)), 413, "payload too large");
        }
        // And the service still answers.
        given().auth().oauth2(HostServices.TOKEN).get("/api/environments").then().statusCode(200);
    }

    @Test
    void aFollowedLogSendsItsHeadersAtOnceAndAHeartbeatWhileTheJobIsSilent() throws Exception {
        String id = UUID.randomUUID().toString();
        String key = "reviewenv:job:" + id;
        try (RedisClient redis = RedisClient.create(ConfigProvider.getConfig().getValue("reviewenv.redis-url", String.class))) {
            redis.hset(key, Map.of("id", id, "action", "deploy", "repository", "team/silent", "ref", "refs/heads/silent",
                    "revision", "0".repeat(40), "environment", "silent", "status", "queued", "output", "", "createdAt",
                    "2026-12-01T10:00:00Z"));
            try (Socket s = connect()) {
                s.getOutputStream().write(("GET /api/jobs/" + id + "/log HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                        + HostServices.TOKEN + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                Raw first = read(s, Duration.ofSeconds(2));
                assertEquals(200, first.status(), "the status line and headers came within 2 s: " + first.text());
                assertTrue(first.text().contains("\r\n\r\n"), first.text());
                Raw beat = read(s, LogStream.HEARTBEAT.plusSeconds(5));
                assertTrue(beat.text().contains("\n") && !beat.closed(), "a heartbeat while the job is silent: '" + beat.text() + "'");
                redis.hset(key, "status", "cancelled");
                Raw end = read(s, Duration.ofSeconds(5));
                assertTrue(end.text().contains("--- job cancelled"), end.text());
            } finally {
                redis.del(key);
            }
        }
    }

    @Test
    void aSignedOutCookieIsRefusedAfterwards() {
        String cookie = given().redirects().follow(false).formParam("token", HostServices.TOKEN).post("/login").then().statusCode(303)
                .extract().cookie(Sessions.COOKIE);
        given().cookie(Sessions.COOKIE, cookie).get("/api/environments").then().statusCode(200);
        given().redirects().follow(false).cookie(Sessions.COOKIE, cookie).post("/logout").then().statusCode(303);
        given().cookie(Sessions.COOKIE, cookie).get("/api/environments").then().statusCode(401);
        given().redirects().follow(false).cookie(Sessions.COOKIE, cookie).get("/").then().statusCode(303);
    }

    @Test
    @Order(Integer.MAX_VALUE) // last: 127.0.0.1 is limited for a minute after it
    void theEleventhFailedSignInInAMinuteIs429AndComputesNoHash() {
        String wrong = "Basic " + Base64.getEncoder().encodeToString("reviewer:guess".getBytes(StandardCharsets.UTF_8));
        String right = "Basic " + Base64.getEncoder().encodeToString(("reviewer:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        given().redirects().follow(false).header("Authorization", right).get("/").then().statusCode(200);
        double hashed = hashes();
        for (int i = 0; i < SignInLimits.MAX_FAILURES; i++) {
            given().redirects().follow(false).header("Authorization", wrong).get("/").then().statusCode(303);
        }
        assertEquals(hashed + SignInLimits.MAX_FAILURES, hashes(), "each failure cost one hash");
        given().redirects().follow(false).header("Authorization", wrong).get("/").then().statusCode(429)
                .header("Retry-After", org.hamcrest.Matchers.matchesRegex("[1-9][0-9]?"))
                .body("error", equalTo("too many requests")).body("detail", containsString("failed sign-ins"));
        // The form as well, even with the right password: the user and this address are limited for now.
        given().redirects().follow(false).formParam("user", "reviewer").formParam("password", PASSWORD).post("/login").then()
                .statusCode(429);
        assertEquals(hashed + SignInLimits.MAX_FAILURES, hashes(), "a limited sign-in computes no hash");
        // The API's token is not a sign-in: it still works.
        given().auth().oauth2(HostServices.TOKEN).get("/api/environments").then().statusCode(200);
    }

    /** How many password hashes the service computed, from its metrics. */
    double hashes() {
        return dev.reviewenv.testsupport.Api.meter("reviewenv_sign_in_checks_total", "").values().stream().mapToDouble(d -> d).sum();
    }
}
