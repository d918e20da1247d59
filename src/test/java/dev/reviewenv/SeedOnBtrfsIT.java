package dev.reviewenv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reviewenv.testsupport.Api;
import dev.reviewenv.testsupport.Cmd;
import dev.reviewenv.testsupport.CowDaemon;
import dev.reviewenv.testsupport.GitFixture;
import dev.reviewenv.testsupport.HostServices;
import dev.reviewenv.testsupport.JarService;
import io.restassured.path.json.JsonPath;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Seeding as an operator gets it on a copy-on-write host: the packaged service with
 * {@code DOCKER_HOST} at a Docker daemon whose data root is btrfs ({@link CowDaemon}). {@code main}
 * writes a GiB into its volume {@code db}; a branch whose compose file says {@code x-reviewenv:
 * {seed: {from: main, volumes: [db]}}} starts with a copy of it, made by reflink in under a second,
 * taking next to no space, and its container reads main's bytes while main's keeps running. That
 * daemon runs no Traefik (its ports would be in a network namespace of its own), so the deploys say
 * Traefik is missing, as those of the other out-of-process tests do; routing is not what this tests.
 */
class SeedOnBtrfsIT {
    private static final Pattern SEEDED = Pattern.compile("seed: volume db copied from (\\S+): (\\d+) bytes by reflink in ([\\d.]+) s");
    private static final long GIB = 1L << 30;
    private static final long MIB = 1L << 20;

    CowDaemon cow;
    JarService service;
    GitFixture git;

    /** One service writing a GiB into volume db unless it holds data already, healthy once it does; seeded from main when asked. */
    static String compose(boolean seeded) {
        return (seeded ? "x-reviewenv: {seed: {from: main, volumes: [db]}}\n" : "") + """
                services:
                  db:
                    image: reviewenv/busybox:local
                    init: true
                    expose: ["8080"]
                    command: ["sh", "-c", "[ -f /data/done ] || { busybox dd if=/dev/urandom of=/data/blob bs=1M count=1024 2>/dev/null && busybox touch /data/done; }; exec httpd -f -p 8080 -h /data"]
                    healthcheck: {test: ["CMD-SHELL", "test -f /data/done"], interval: 1s, retries: 120}
                    volumes: ["db:/data"]
                volumes:
                  db: {}
                """;
    }

    @BeforeEach
    void setUp() throws Exception {
        cow = CowDaemon.start();
        service = new JarService(false);
        service.env.put("DOCKER_HOST", cow.host());
        service.env.put("REVIEWENV_COMPOSE_READY_TIMEOUT", "120s");
        service.env.put("REVIEWENV_REAPER_EVERY", "1h");
        git = new GitFixture(service.gitRoot, "team/data", service.url(), HostServices.TOKEN);
        service.start();
    }

    @AfterEach
    void tearDown() {
        try {
            if (git != null) {
                for (String name : Api.environments()) {
                    Api.awaitJob(Api.stop(name));
                }
            }
        } finally {
            if (service != null) {
                service.stop(30);
            }
            if (cow != null) {
                cow.close(); // and with it whatever of the environments is left
            }
            if (git != null) {
                git.close();
            }
            if (service != null) {
                service.close();
            }
        }
    }

    String container(String environment) {
        List<String> ids = Cmd.lines(cow.docker("ps", "-q", "--filter", "label=dev.reviewenv.environment=" + environment));
        assertEquals(1, ids.size(), "one container of " + environment + ": " + ids);
        return ids.get(0);
    }

    @Test
    void aBranchStartsWithACopyOfMainsVolumeMadeByReflinkInUnderASecond() {
        git.branch("main").file("docker-compose.yml", compose(false));
        git.commit("main");
        JsonPath main = Api.succeeded(Api.startedJob(git.push("main")));
        String base = main.getString("environment");
        String mainContainer = container(base);
        String mainSum = cow.docker("exec", mainContainer, "busybox", "md5sum", "/data/blob").split("\\s+")[0];

        git.branch("review/seeded").file("docker-compose.yml", compose(true));
        git.commit("seeded");
        long free = cow.freeBytes();
        JsonPath branch = Api.succeeded(Api.startedJob(git.push("review/seeded")));
        long taken = free - cow.freeBytes();
        String output = branch.getString("output");

        Matcher m = SEEDED.matcher(output);
        assertTrue(m.find(), "the job says db was seeded by reflink:\n" + output);
        assertEquals(base, m.group(1), "from main's environment");
        long bytes = Long.parseLong(m.group(2));
        assertTrue(bytes >= GIB && bytes < GIB + 16 * MIB, "a GiB and a little: " + bytes);
        assertTrue(Double.parseDouble(m.group(3)) < 1.0, "in under a second: " + m.group(0));
        assertTrue(output.contains("its files were written to disk first, before the pause"),
                "main's GiB, just written, was synced before main was paused, not by the reflink under the pause:\n" + output);
        assertTrue(taken < 100 * MIB, "a seeded GiB on btrfs takes next to no space: " + taken / MIB + " MiB for the whole deploy");
        System.out.printf("SeedOnBtrfsIT: %s; the whole deploy took %d KiB of free space%n", m.group(0), taken / 1024);
        assertTrue(output.contains("Traefik"), "the deploy says Traefik is missing on that daemon:\n" + output);

        String seeded = container(branch.getString("environment"));
        assertEquals(mainSum, cow.docker("exec", seeded, "busybox", "md5sum", "/data/blob").split("\\s+")[0],
                "the branch's container reads main's bytes");
        assertEquals("running false", cow.docker("inspect", "-f", "{{.State.Status}} {{.State.Paused}}", mainContainer).strip(),
                "main's container runs on after the copy (it was paused for it)");
        cow.docker("exec", seeded, "sh", "-c", "echo branch | busybox dd of=/data/blob conv=notrunc 2>/dev/null");
        assertEquals(mainSum, cow.docker("exec", mainContainer, "busybox", "md5sum", "/data/blob").split("\\s+")[0],
                "what the branch writes stays the branch's");
    }
}
