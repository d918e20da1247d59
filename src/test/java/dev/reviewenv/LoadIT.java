package dev.reviewenv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reviewenv.testsupport.GitFixture;
import dev.reviewenv.testsupport.HostServices;
import dev.reviewenv.testsupport.JarService;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClient;

/**
 * The packaged service under the JVM flags it ships with (deploy/java-opts: a 128 MB heap), loaded
 * as a busy shared host would load it: it survives every client and answers each with what the
 * contract says. The figures (latencies, RSS) are bench/'s; here only what is yes or no.
 */
class LoadIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Pattern NEXT = Pattern.compile("<([^>]+)>; rel=\"next\"");

    JarService service;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @AfterEach
    void tearDown() {
        if (service != null) {
            service.close();
        }
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(service.url() + path)).header("Authorization", "Bearer " + HostServices.TOKEN)
                .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** What one client does, once; {@code client} is which client, {@code i} how many times it did it before. */
    interface Call {
        void run(int client, int i) throws IOException, InterruptedException;
    }

    /** Clients running at once; {@link #join()} waits for them and gives what failed. */
    record Clients(ExecutorService pool, List<Future<?>> running, List<String> failures) {
        List<String> join() throws Exception {
            for (Future<?> f : running) {
                f.get();
            }
            pool.shutdown();
            return failures;
        }
    }

    /** {@code n} clients, each making its call again and again for {@code during}; a call that throws is a failure. */
    static Clients clients(int n, Duration during, Call call) {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        Instant until = Instant.now().plus(during);
        List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Future<?>> running = new ArrayList<>();
        for (int c = 0; c < n; c++) {
            int client = c;
            running.add(pool.submit(() -> {
                for (int i = 0; Instant.now().isBefore(until); i++) {
                    try {
                        call.run(client, i);
                    } catch (IOException | InterruptedException e) {
                        failures.add(e.toString());
                    }
                }
                return null;
            }));
        }
        return new Clients(pool, running, failures);
    }

    /** Records of environments that are not due, as a restored backup would hold them (no reaper pass runs meanwhile). */
    static void records(Path home, int n) throws IOException {
        Path base = Files.createDirectories(home.resolve(".reviewenv"));
        for (int i = 0; i < n; i++) {
            String name = String.format("rec%05d", i);
            Path d = Files.createDirectories(base.resolve(name));
            Files.writeString(d.resolve("environment.json"), """
                    {"name":"%s","repository":"load/gone","branch":"b%d","ref":"refs/heads/b%d","commit":"%s",
                     "url":"http://%s.localhost","status":"running","createdAt":"2026-01-01T00:00:00Z","history":[]}
                    """.formatted(name, i, i, "0".repeat(40), name));
        }
    }

    @Test
    void sixtyFourReadersOfTenThousandRecordsGetEveryPageAndTheServiceLives() throws Exception {
        service = new JarService(false);
        service.env.put("REVIEWENV_REAPER_EVERY", "1h");
        records(service.home, 10_000);
        service.start();

        // Walking the pages gives every record once, in order.
        List<String> all = new ArrayList<>();
        String path = "/api/environments?limit=1000";
        while (path != null) {
            HttpResponse<String> page = get(path);
            assertEquals(200, page.statusCode(), page.body());
            for (JsonNode e : JSON.readTree(page.body())) {
                all.add(e.path("name").asText());
            }
            path = page.headers().firstValue("Link").map(NEXT::matcher).filter(Matcher::find).map(m -> m.group(1)).orElse(null);
        }
        assertEquals(10_000, all.size());
        assertEquals(10_000, Set.copyOf(all).size(), "each once");
        assertEquals(all.stream().sorted().toList(), all, "in name order");
        assertEquals(100, JSON.readTree(get("/api/environments").body()).size(), "the default page");
        assertEquals(400, get("/api/environments?limit=100000").statusCode(), "a page is at most 1000");

        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        Clients readers = clients(64, Duration.ofSeconds(20), (reader, i) -> {
            String next = "/api/environments?limit=1000&after=" + String.format("rec%05d", (reader * 157) % 9000);
            statuses.computeIfAbsent(get(next).statusCode(), c -> new AtomicInteger()).incrementAndGet();
        });
        List<String> failures = readers.join();
        assertEquals(List.of(), failures.stream().distinct().limit(10).toList(), "every request was answered");
        assertEquals(Set.of(200), statuses.keySet(), "every answer was a page: " + statuses);
        assertTrue(statuses.get(200).get() > 64, "the readers were answered again and again: " + statuses);
        assertEquals(200, get("/q/health/live").statusCode(), "the service lives");
        assertTrue(ProcessHandle.of(service.pid()).map(ProcessHandle::isAlive).orElse(false));
        assertTrue(!Files.readString(service.log()).contains("OutOfMemoryError"), "no OutOfMemoryError");
    }

    @Test
    void redisRestartingUnderPushLoadIsA503WithRetryAfterNeverA500() throws Exception {
        service = new JarService(true);
        service.env.put("REVIEWENV_REAPER_EVERY", "1h");
        service.env.put("REVIEWENV_JOBS_WORKERS", "1");
        GitFixture git = new GitFixture(service.gitRoot, "team/load", service.url(), HostServices.TOKEN);
        String commit = git.branch("load").file("docker-compose.yml", "services: {}\n").commit("load");
        service.start();
        // Enough data that loading the AOF takes a while after the restart (Redis answers LOADING meanwhile).
        try (RedisClient redis = RedisClient.create(service.redis.url())) {
            for (int batch = 0; batch < 15; batch++) {
                redis.eval("for i = 1, 100000 do redis.call('SET', 'filler:' .. ARGV[1] .. ':' .. i, string.rep('x', 64)) end", 0,
                        Integer.toString(batch));
            }
            Instant deadline = Instant.now().plusSeconds(60);
            while (redis.info("persistence").contains("aof_rewrite_in_progress:1")) {
                assertTrue(Instant.now().isBefore(deadline), "the AOF rewrite Redis started itself did not end");
                Thread.sleep(200);
            }
            redis.sendCommand(Protocol.Command.BGREWRITEAOF);
            while (redis.info("persistence").contains("aof_rewrite_in_progress:1")) {
                assertTrue(Instant.now().isBefore(deadline), "the AOF rewrite did not end");
                Thread.sleep(200);
            }
        }

        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        List<String> bad = java.util.Collections.synchronizedList(new ArrayList<>());
        Clients pushers = clients(16, Duration.ofSeconds(12), (pusher, i) -> {
            String body = "{\"repository\":\"team/load\",\"ref\":\"refs/heads/load-%d-%d\",\"before\":\"%s\",\"after\":\"%s\",\"options\":{}}"
                    .formatted(pusher, i % 50, "0".repeat(40), commit);
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(service.url() + "/api/push"))
                    .header("Authorization", "Bearer " + HostServices.TOKEN).header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            statuses.computeIfAbsent(r.statusCode(), c -> new AtomicInteger()).incrementAndGet();
            boolean json = JSON.readTree(r.body()).has(r.statusCode() == 202 ? "job" : "error");
            if (r.statusCode() == 503 && (r.headers().firstValue("Retry-After").isEmpty() || !json)) {
                bad.add("503 without Retry-After or its JSON error: " + r.headers().map() + " " + r.body());
            } else if (r.statusCode() != 202 && r.statusCode() != 503) {
                bad.add(r.statusCode() + " " + r.body());
            }
        });
        Thread.sleep(3000);
        service.redis.down();
        Thread.sleep(1500);
        service.redis.up();
        bad.addAll(pushers.join());
        git.close();
        assertEquals(List.of(), bad.stream().distinct().limit(10).toList(), "every answer a 202, or a 503 saying when to try again: " + statuses);
        assertTrue(statuses.getOrDefault(503, new AtomicInteger()).get() > 0, "the restart was seen: " + statuses);
        assertTrue(statuses.getOrDefault(202, new AtomicInteger()).get() > 0, "and pushes were taken around it: " + statuses);
    }
}
