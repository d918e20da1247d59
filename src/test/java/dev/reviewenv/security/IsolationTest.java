package dev.reviewenv.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.reviewenv.reaper.Reaper;
import dev.reviewenv.testsupport.Api;
import dev.reviewenv.testsupport.Cmd;
import dev.reviewenv.testsupport.Docker;
import dev.reviewenv.testsupport.GitFixture;
import dev.reviewenv.testsupport.HostServices;
import dev.reviewenv.testsupport.ServiceUnderTest;
import dev.reviewenv.testsupport.Stacks;
import dev.reviewenv.testsupport.Traefik;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The channels a compose model does not show, tried as an attacker who can push would, through
 * real deploys: what a build can reach (the host's loopback and services, another environment's
 * images, another repository's cache) and how long and how much it may run; names that exist and
 * are not reviewenv's; one environment's containers against another's and against the host; the
 * bounds of a whole environment; and the names that once collided. The verdict is what Docker ran,
 * what test servers saw, and what changed on the host.
 */
@QuarkusTest
@WithTestResource(value = HostServices.class, initArgs = {
        @ResourceArg(name = "compose", value = "docker compose"),
        @ResourceArg(name = "config", value = """
                reviewenv.build.timeout=20s
                reviewenv.repositories."team/trusted".allow=net-raw,external
                reviewenv.repositories."team/small".limits.memory=64m
                reviewenv.repositories."team/small".limits.pids=64
                reviewenv.limits.logs=1m
                reviewenv.limits.log-files=2
                """)})
class IsolationTest {
    @RegisterExtension
    final ServiceUnderTest sut = ServiceUnderTest.repositories();

    @Inject
    Reaper reaper;

    /** Pushes {@code files} as the whole tree of {@code branch}; returns the ended job. */
    static JsonPath push(GitFixture git, String branch, Map<String, String> files) {
        git.fresh(branch);
        files.forEach(git::file);
        git.commit(branch);
        return Api.awaitJob(Api.startedJob(git.push(branch)));
    }

    /** A stack of one service built from {@code dockerfile}, serving / on 8080. */
    static Map<String, String> built(String dockerfile) {
        return Map.of("docker-compose.yml", """
                services:
                  web:
                    build: .
                    init: true
                    command: ["httpd", "-f", "-p", "8080", "-h", "/"]
                    expose: ["8080"]
                """, "Dockerfile", dockerfile);
    }

    static String output(JsonPath job) {
        return job.getString("output");
    }

    static void assertStatus(String status, JsonPath job) {
        assertEquals(status, job.getString("status"), output(job));
    }

    /** An HTTP server on {@code address} that counts what reaches it. */
    record Witness(HttpServer server, AtomicInteger hits) implements AutoCloseable {
        static Witness on(String address) throws IOException {
            AtomicInteger hits = new AtomicInteger();
            HttpServer server = HttpServer.create(new InetSocketAddress(address, 0), 0);
            server.createContext("/", exchange -> {
                hits.incrementAndGet();
                byte[] body = "HOST-ONLY-SECRET".getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.start();
            return new Witness(server, hits);
        }

        int port() {
            return server.getAddress().getPort();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    /** An address of this host that is not loopback (what a container would try to reach the host by). */
    static String hostAddress() {
        return Cmd.ok("hostname", "-I").trim().split("\\s+")[0];
    }

    /** A RUN step that fails the build if any of {@code targets} ("ip port") answers HTTP. */
    static String unreachable(List<String> targets) {
        StringBuilder run = new StringBuilder("RUN gw=$(busybox ip route | busybox awk '/default/ {print $3}'); echo \"gateway $gw\"");
        for (String t : targets) {
            run.append("; if printf 'GET / HTTP/1.0\\r\\n\\r\\n' | busybox nc -w 2 ").append(t)
                    .append(" | busybox grep -q HTTP; then echo \"REACHED ").append(t).append("\"; exit 1; fi");
        }
        return run.append("; echo all-unreachable\n").toString();
    }

    @Test
    void aBuildReachesNeitherTheHostsLoopbackNorTheHostItself() throws Exception {
        GitFixture git = sut.repo("team/builds");
        int servicePort = sut.port();
        try (Witness loopback = Witness.on("127.0.0.1"); Witness anywhere = Witness.on("0.0.0.0")) {
            JsonPath add = push(git, "b/loopback", built("FROM reviewenv/busybox:local\nADD http://127.0.0.1:"
                    + loopback.port() + "/secret /secret\n"));
            assertStatus("failed", add);
            assertTrue(output(add).contains("127.0.0.1:" + loopback.port()), "the failure names the URL:\n" + output(add));
            assertFalse(output(add).contains("HOST-ONLY-SECRET"));
            assertEquals(0, loopback.hits().get(), "the host's loopback service saw the build");

            String host = hostAddress();
            JsonPath run = push(git, "b/host", built("FROM reviewenv/busybox:local\n" + unreachable(List.of(
                    "$gw " + anywhere.port(), "$gw " + servicePort, host + " " + anywhere.port(), host + " " + servicePort,
                    "172.17.0.1 " + anywhere.port()))));
            assertStatus("succeeded", run);
            assertTrue(output(run).contains("all-unreachable"), output(run));
            assertEquals(0, anywhere.hits().get(), "a service of the host saw the build");
        }
    }

    @Test
    void aBuildSeesNoOtherEnvironmentsImagesAndNoOtherRepositorysCache() {
        GitFixture a = sut.repo("team/a");
        GitFixture b = sut.repo("team/b");
        JsonPath owner = push(a, "secret", built("""
                FROM reviewenv/busybox:local
                RUN echo A-SECRET > /secret
                RUN --mount=type=cache,target=/c,id=shared sh -c 'echo A-CACHE > /c/mark'
                """));
        assertStatus("succeeded", owner);
        String tag = Docker.environment("secret").get(0).at("/Config/Image").asText();
        String id = Docker.imageId(tag);
        assertTrue(tag.matches("secret/web:[0-9a-f]{40}"), tag);

        for (Map.Entry<String, String> attempt : Map.of(
                "from-tag", "FROM " + tag + "\nRUN cat /secret\n",
                "from-id", "FROM " + id + "\nRUN cat /secret\n",
                "copy-from", "FROM reviewenv/busybox:local\nCOPY --from=" + tag + " /secret /s\nRUN cat /s\n").entrySet()) {
            JsonPath job = push(b, attempt.getKey(), built(attempt.getValue()));
            assertStatus("failed", job);
            assertFalse(output(job).contains("A-SECRET"), attempt.getKey() + " read the other environment's file:\n" + output(job));
            assertEquals(List.of(), Docker.environment(job.getString("environment")), attempt.getKey());
        }
        for (String image : List.of(tag, id)) {
            JsonPath job = push(b, "run-" + image.substring(0, 6).replace(':', '-'), Map.of("docker-compose.yml", """
                    services:
                      web:
                        image: %s
                        init: true
                        command: ["cat", "/secret"]
                        expose: ["8080"]
                    """.formatted(image)));
            assertStatus("failed", job);
            assertTrue(output(job).contains("was built for the environment secret"), output(job));
            assertEquals(List.of(), Docker.environment(job.getString("environment")));
        }
        // The cache of a RUN --mount=type=cache is the repository's own: shared by its branches, by no other repository.
        JsonPath other = push(b, "cache", built("FROM reviewenv/busybox:local\n"
                + "RUN --mount=type=cache,target=/c,id=shared sh -c 'test ! -e /c/mark && echo no-mark-here'\n"));
        assertStatus("succeeded", other);
        JsonPath same = push(a, "cache", built("FROM reviewenv/busybox:local\n"
                + "RUN --mount=type=cache,target=/c,id=shared sh -c 'cat /c/mark'\n"));
        assertStatus("succeeded", same);
        assertTrue(output(same).contains("A-CACHE"), "the repository's own cache is kept:\n" + output(same));
        assertEquals(id, Docker.imageId(tag), "the other environment's image is as it was");
    }

    @Test
    void aBuildRunsWithinTheEnvironmentsLimitsAndItsTime() {
        GitFixture small = sut.repo("team/small");
        JsonPath limits = push(small, "limits", built("FROM reviewenv/busybox:local\n"
                + "RUN echo pids=$(cat /sys/fs/cgroup/pids/pids.max) memory=$(cat /sys/fs/cgroup/memory/memory.limit_in_bytes)\n"));
        assertStatus("succeeded", limits);
        assertTrue(output(limits).contains("pids=64 memory=67108864"), "the build runs in the repository's limits:\n" + output(limits));

        JsonPath bomb = push(small, "bomb", built("FROM reviewenv/busybox:local\nRUN while true; do sleep 60 & done\n"));
        assertStatus("failed", bomb);
        assertTrue(output(bomb).contains("can't fork") || output(bomb).contains("Resource temporarily unavailable")
                || output(bomb).contains("was killed: it ran out of its memory limit (64m) or processes (64)"), output(bomb));

        JsonPath hog = push(small, "hog", built("FROM reviewenv/busybox:local\nRUN tail /dev/zero\n"));
        assertStatus("failed", hog);
        assertTrue(output(hog).contains("was killed: it ran out of its memory limit (64m)") || output(hog).contains("137"), output(hog));

        Instant started = Instant.now();
        JsonPath forever = push(small, "forever", built("FROM reviewenv/busybox:local\nRUN sleep 3600\n"));
        assertStatus("failed", forever);
        assertTrue(output(forever).contains("did not finish within 20 s (reviewenv.build.timeout)"), output(forever));
        assertTrue(Duration.between(started, Instant.now()).toSeconds() < 90, "stopped at its time bound");
        assertEquals(List.of(), Cmd.lines(Cmd.ok("docker", "ps", "-aq", "--filter", "label=dev.reviewenv.role=build")),
                "no builder is left running");
        assertEquals("ok", health(), "the service answers after all of it");
    }

    String health() {
        return io.restassured.RestAssured.get("/q/health/live").then().extract().statusCode() == 200 ? "ok" : "down";
    }

    @Test
    void namesThatAreNotReviewenvsAreNeverUsedChangedOrRemoved() throws Exception {
        GitFixture ops = sut.repo("team/ops");
        Path routes = sut.home().resolve(".reviewenv-traefik/dynamic");
        String stack = """
                services:
                  web:
                    image: reviewenv/busybox:local
                    init: true
                    command: ["httpd", "-f", "-p", "8080", "-h", "/"]
                    expose: ["8080"]
                    volumes: ["data:/data"]
                volumes:
                  data: {}
                """;
        // The operator's objects, one under each name form a deploy would create or write.
        Cmd.ok("docker", "volume", "create", "ops-volume_data");
        sut.cleanUp("docker", "volume", "rm", "-f", "ops-volume_data");
        Cmd.ok("docker", "run", "--rm", "-v", "ops-volume_data:/v", "reviewenv/busybox:local", "sh", "-c", "echo OPERATOR > /v/keep");
        Cmd.ok("docker", "network", "create", "ops-network_default");
        sut.cleanUp("docker", "network", "rm", "ops-network_default");
        Cmd.ok("docker", "run", "-d", "--init", "--name", "ops-container_web_1", "reviewenv/busybox:local", "sleep", "3600");
        sut.cleanUp("docker", "rm", "-f", "ops-container_web_1");
        String operatorRoute = "# the operator's own\nhttp:\n  routers:\n    ops-route:\n      rule: Host(`ops.example`)\n      service: x\n"
                + "  services:\n    x:\n      loadBalancer:\n        servers:\n          - url: http://127.0.0.1:9\n";
        Files.writeString(routes.resolve("ops-route.yml"), operatorRoute);
        Cmd.ok("docker", "volume", "create", "ops-data");
        sut.cleanUp("docker", "volume", "rm", "-f", "ops-data");

        Map<String, String> expected = Map.of("ops/volume", "volume ops-volume_data", "ops/network", "network ops-network_default",
                "ops/container", "container ops-container_web_1", "ops/route", "route file " + routes.resolve("ops-route.yml"));
        for (var e : expected.entrySet()) {
            JsonPath job = push(ops, e.getKey(), Map.of("docker-compose.yml", stack));
            assertStatus("failed", job);
            assertTrue(output(job).contains(e.getValue()) && output(job).contains("never uses, changes or removes them"),
                    e.getKey() + " names " + e.getValue() + ":\n" + output(job));
            assertFalse(output(job).contains(" up -d"), "refused before anything ran");
        }
        // The image a build would be tagged: <name>/web:<commit>, taken by the operator before the push.
        ops.fresh("ops/image").file("docker-compose.yml", """
                services:
                  web:
                    build: .
                    init: true
                    command: ["httpd", "-f", "-p", "8080", "-h", "/"]
                    expose: ["8080"]
                """).file("Dockerfile", "FROM reviewenv/busybox:local\n");
        String commit = ops.commit("image");
        String taken = "ops-image/web:" + commit;
        Cmd.ok("docker", "tag", "reviewenv/busybox:local", taken);
        sut.cleanUp("docker", "rmi", taken);
        JsonPath image = Api.awaitJob(Api.startedJob(ops.push("ops/image")));
        assertStatus("failed", image);
        assertTrue(output(image).contains("image " + taken), output(image));
        // A trusted repository may name its volume; a name the operator holds is still refused.
        GitFixture trusted = sut.repo("team/trusted");
        JsonPath named = push(trusted, "named", Map.of("docker-compose.yml", stack.replace("data: {}", "data: {name: ops-data}")));
        assertStatus("failed", named);
        assertTrue(output(named).contains("volume ops-data"), output(named));

        // No ending, no reaper pass, removes or changes any of it.
        for (String name : List.of("ops-volume", "ops-network", "ops-container", "ops-route", "ops-image", "named")) {
            io.restassured.RestAssured.given().auth().oauth2(HostServices.TOKEN).delete("/api/environments/" + name).then()
                    .statusCode(404);
        }
        reaper.reap(Instant.now(), false);
        assertEquals("OPERATOR", Cmd.ok("docker", "run", "--rm", "-v", "ops-volume_data:/v", "reviewenv/busybox:local", "cat",
                "/v/keep").trim(), "the operator's volume and its data");
        assertEquals("", Cmd.ok("docker", "volume", "inspect", "-f", "{{index .Labels \"dev.reviewenv.environment\"}}", "ops-data").trim());
        assertEquals("ops-network_default", Cmd.ok("docker", "network", "inspect", "-f", "{{.Name}}", "ops-network_default").trim());
        assertEquals("running", Cmd.ok("docker", "inspect", "-f", "{{.State.Status}}", "ops-container_web_1").trim());
        assertEquals(operatorRoute, Files.readString(routes.resolve("ops-route.yml")), "the operator's route file");
        assertEquals(Docker.imageId("reviewenv/busybox:local"), Docker.imageId(taken), "the operator's tag");
        Files.delete(routes.resolve("ops-route.yml"));
    }

    /** The addresses a container has, on every network it is on. */
    static List<String> addresses(JsonNode container) {
        List<String> ips = new ArrayList<>();
        container.at("/NetworkSettings/Networks").forEach(n -> ips.add(n.at("/IPAddress").asText()));
        return ips;
    }

    static JsonNode container(String environment, String service) {
        return Docker.environment(environment).stream()
                .filter(c -> service.equals(c.at("/Config/Labels/com.docker.compose.service").asText())).findFirst().orElseThrow();
    }

    /** What {@code nc} from inside {@code container} gets asking {@code ip:port} for HTTP ("" when nothing answers). */
    static String fetchFrom(JsonNode container, String ip, int port) {
        return Cmd.run(null, Map.of(), "docker", "exec", container.at("/Id").asText(), "sh", "-c",
                "printf 'GET / HTTP/1.0\\r\\n\\r\\n' | busybox nc -w 2 " + ip + " " + port).text();
    }

    @Test
    void oneEnvironmentReachesNeitherAnothersContainersNorTheHostAndForgesNoPackets() throws Exception {
        String stack = """
                services:
                  web:
                    image: reviewenv/busybox:local
                    init: true
                    command: ["sh", "-c", "mkdir -p /w && echo %s-page > /w/index.html && exec httpd -f -p 8080 -h /w"]
                    expose: ["8080"]
                  admin:
                    image: reviewenv/busybox:local
                    init: true
                    command: ["sh", "-c", "mkdir -p /a && echo admin-secret > /a/index.html && exec httpd -f -p 9000 -h /a"]
                """;
        assertStatus("succeeded", push(sut.repo("team/a"), "victim", Map.of("docker-compose.yml", stack.formatted("victim"))));
        assertStatus("succeeded", push(sut.repo("team/b"), "attacker", Map.of("docker-compose.yml", stack.formatted("attacker"))));
        assertStatus("succeeded", push(sut.repo("team/trusted"), "raw", Map.of("docker-compose.yml", stack.formatted("raw"))));
        assertTrue(Traefik.await(sut.traefikPort(), "victim.localhost", "victim-page", Duration.ofSeconds(20)).body().contains("victim-page"));

        JsonNode attacker = container("attacker", "web");
        JsonNode victimWeb = container("victim", "web");
        JsonNode victimAdmin = container("victim", "admin");
        // Sanity: the way of asking works, from inside the same environment.
        assertTrue(fetchFrom(container("victim", "admin"), addresses(victimWeb).get(0), 8080).contains("victim-page"));
        for (String ip : addresses(victimWeb)) {
            assertFalse(fetchFrom(attacker, ip, 8080).contains("HTTP"), "the attacker reached the victim's routed port at " + ip);
        }
        for (String ip : addresses(victimAdmin)) {
            assertFalse(fetchFrom(attacker, ip, 9000).contains("HTTP"), "the attacker reached the victim's admin port at " + ip);
        }
        int servicePort = sut.port();
        List<String> hostSide = new ArrayList<>(List.of(hostAddress(), "172.17.0.1"));
        attacker.at("/NetworkSettings/Networks").forEach(n -> hostSide.add(n.at("/Gateway").asText()));
        for (String ip : hostSide) {
            if (!ip.isEmpty()) {
                assertFalse(fetchFrom(attacker, ip, servicePort).contains("HTTP"), "a review container reached reviewenv at " + ip);
            }
        }
        // Forged ARP replies ("this IP is at my MAC"), sent by a real raw-socket tool, as a branch could ship one.
        Path forge = arpForge();
        for (String c : List.of(attacker.at("/Id").asText(), container("raw", "web").at("/Id").asText())) {
            Cmd.ok("docker", "cp", forge.toString(), c + ":/arp-forge");
        }
        String victimIp = addresses(victimWeb).get(0);
        Cmd.Out refused = Cmd.run(null, Map.of(), "docker", "exec", attacker.at("/Id").asText(), "/arp-forge", "eth0", victimIp);
        assertEquals(2, refused.code(), "without NET_RAW there is no raw socket at all: " + refused.text());
        assertTrue(refused.text().contains("Operation not permitted"), refused.text());

        // A repository trusted with NET_RAW forges replies: they move entries on its own networks, and on no other.
        JsonNode forger = container("raw", "web");
        JsonNode neighbour = container("raw", "admin");
        String forgerMacs = forger.at("/NetworkSettings/Networks").toString();
        String victimMac = macOn(victimWeb, victimIp);
        String neighbourIp = addresses(neighbour).get(0);
        for (String ip : List.of(victimIp, neighbourIp)) {
            Cmd.run(null, Map.of(), "sh", "-c", "printf 'GET / HTTP/1.0\\r\\n\\r\\n' | busybox nc -w 2 " + ip + " 8080 >/dev/null; "
                    + "printf 'GET / HTTP/1.0\\r\\n\\r\\n' | busybox nc -w 2 " + ip + " 9000 >/dev/null");
        }
        assertTrue(Cmd.ok("ip", "neigh", "show", "to", victimIp).contains(victimMac), "the host knows the victim's address");
        Api.sleep(1500); // past the neighbour table's lock time, so a forged reply could take effect at once
        for (String ip : List.of(victimIp, neighbourIp)) {
            for (String iface : List.of("eth0", "eth1")) {
                Cmd.Out sent = Cmd.run(null, Map.of(), "docker", "exec", forger.at("/Id").asText(), "/arp-forge", iface, ip);
                assertEquals(0, sent.code(), "the trusted repository does send forged replies: " + sent.text());
            }
        }
        String victimNeigh = Cmd.ok("ip", "neigh", "show", "to", victimIp);
        assertTrue(victimNeigh.contains(victimMac), "the host's neighbour entry of the victim moved: " + victimNeigh);
        String neighbourNeigh = Cmd.ok("ip", "neigh", "show", "to", neighbourIp);
        assertTrue(java.util.Arrays.stream(neighbourNeigh.split("\\s+")).anyMatch(w -> w.contains(":") && forgerMacs.contains(w)),
                "the forged replies do work on the forger's own network (the test can see them): " + neighbourNeigh);
        for (int i = 0; i < 5; i++) {
            assertTrue(Traefik.get(sut.traefikPort(), "victim.localhost", "/").body().contains("victim-page"), "Traefik still reaches the victim");
        }
    }

    /** The MAC address a container has on the network where its address is {@code ip}. */
    static String macOn(JsonNode container, String ip) {
        for (JsonNode n : container.at("/NetworkSettings/Networks")) {
            if (ip.equals(n.at("/IPAddress").asText())) {
                return n.at("/MacAddress").asText();
            }
        }
        throw new AssertionError(ip + " is not an address of " + container.at("/Name").asText());
    }

    /** The ARP forging tool of src/test/resources/attacks, built static so it runs in any container. */
    static Path arpForge() {
        Path binary = Path.of("target/arp-forge").toAbsolutePath();
        if (!Files.isExecutable(binary)) {
            Cmd.ok("gcc", "-static", "-O2", "-o", binary.toString(), Path.of("src/test/resources/attacks/arp-forge.c").toString());
        }
        return binary;
    }

    @Test
    void everyContainersLogIsRotatedWhateverItWrites() throws Exception {
        JsonPath flood = push(sut.repo("team/logs"), "flood", Map.of("docker-compose.yml", """
                services:
                  web:
                    image: reviewenv/busybox:local
                    init: true
                    command: ["sh", "-c", "i=0; while [ $$i -lt 150000 ]; do echo 0123456789012345678901234567890123456789012345678901234567890123456789; i=$$((i+1)); done; echo flood-done; exec httpd -f -p 8080 -h /"]
                    expose: ["8080"]
                """));
        assertStatus("succeeded", flood);
        JsonNode ct = container("flood", "web");
        assertEquals("1m", ct.at("/HostConfig/LogConfig/Config/max-size").asText());
        assertEquals("2", ct.at("/HostConfig/LogConfig/Config/max-file").asText());
        Path log = Path.of(ct.at("/LogPath").asText());
        Instant deadline = Instant.now().plusSeconds(60);
        while (!Cmd.ok("docker", "logs", "--tail", "1", ct.at("/Id").asText()).contains("flood-done")) {
            assertTrue(Instant.now().isBefore(deadline), "the flood never ended");
            Api.sleep(500);
        }
        long total = 0;
        try (var files = Files.list(log.getParent())) {
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith(log.getFileName().toString())).toList()) {
                total += Files.size(f);
            }
        }
        assertTrue(total <= (2L << 20) + (256 << 10), "about 10 MB written, at most 2 files of 1 MiB kept: " + total);
    }

    @Test
    void namesThatOnceCollidedNoLongerDo() {
        GitFixture git = sut.repo("team/sq");
        String dockerfile = "FROM reviewenv/busybox:local\nARG PAGE\nRUN mkdir -p /w && echo $PAGE > /w/index.html\n";
        JsonPath first = push(git, "sq", Map.of("Dockerfile", dockerfile, "docker-compose.yml", """
                services:
                  b-web:
                    build: {context: ., args: {PAGE: sq-b-web-page}}
                    init: true
                    command: ["httpd", "-f", "-p", "8080", "-h", "/w"]
                    expose: ["8080"]
                """));
        assertStatus("succeeded", first);
        JsonPath second = push(git, "sq-b", Map.of("Dockerfile", dockerfile, "docker-compose.yml", """
                services:
                  web:
                    build: {context: ., args: {PAGE: sq-b-page}}
                    init: true
                    command: ["httpd", "-f", "-p", "8080", "-h", "/w"]
                    expose: ["8080"]
                """));
        assertStatus("succeeded", second);
        assertEquals("sq-b-web-page", Traefik.await(sut.traefikPort(), "sq.localhost", "sq-b-web-page", Duration.ofSeconds(20)).body().trim());
        assertEquals("sq-b-page", Traefik.await(sut.traefikPort(), "sq-b.localhost", "sq-b-page", Duration.ofSeconds(20)).body().trim());
        String a = container("sq", "b-web").at("/Config/Image").asText();
        String b = container("sq-b", "web").at("/Config/Image").asText();
        assertTrue(a.startsWith("sq/b-web:") && b.startsWith("sq-b/web:"), a + " " + b);
        assertTrue(container("sq", "b-web").at("/NetworkSettings/Networks/sq_reviewenv/Aliases").toString().contains("b-web.sq"));
        assertEquals(List.of(), Stacks.leftovers("sq-b-web"), "no object answers to the old name form");
    }
}
