package dev.reviewenv.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigCheckTest {

    static ReviewenvConfig config(Map<String, String> values) {
        Map<String, String> all = new HashMap<>(Map.of("reviewenv.api-token", "0123456789abcdef0123"));
        all.putAll(values);
        SmallRyeConfig config = builder()
                .withSources(new PropertiesConfigSource(all, "test", 500))
                .build();
        return config.getConfigMapping(ReviewenvConfig.class);
    }

    /** The mapping as Quarkus builds it, with Quarkus's converter for durations like 10m. */
    static SmallRyeConfigBuilder builder() {
        return new SmallRyeConfigBuilder().withMapping(ReviewenvConfig.class)
                .addDefaultInterceptors().addSystemSources()
                .withConverter(java.time.Duration.class, 100, new io.quarkus.runtime.configuration.DurationConverter());
    }

    @Test
    void theDefaultsAreValidAndMatchTheContract() {
        ReviewenvConfig c = config(Map.of());
        assertEquals(List.of(), ConfigCheck.problems(c));
        assertEquals("localhost", c.domain());
        assertEquals("7d", c.defaultLifetime().toString());
        assertEquals("reviewenv", c.network());
        assertEquals(c.home().resolve(".reviewenv"), c.recordsDir());
    }

    @Test
    void capacityDefaultsAreTheContractsAndBadCapacityValuesNameTheirKey() {
        ReviewenvConfig defaults = config(Map.of());
        assertEquals(new Limits(1L << 30, 1, 512), defaults.limitsFor("team/shop"));
        assertEquals(ReviewenvConfig.WhenFull.EVICT, defaults.whenFull());
        assertEquals(5L << 30, defaults.imageCache().bytes());
        assertEquals(ReviewenvConfig.LifetimeFrom.DEPLOY, defaults.lifetimeFrom());
        assertTrue(defaults.idleAfter().isEmpty() && defaults.diskFloor().isEmpty() && defaults.maxEnvironments().isEmpty());

        ReviewenvConfig set = config(Map.of("reviewenv.lifetime-from", "last-request", "reviewenv.disk-floor", "10%",
                "reviewenv.when-full", "refuse", "reviewenv.repositories.\"team/big\".limits.memory", "4g"));
        assertEquals(ReviewenvConfig.LifetimeFrom.LAST_REQUEST, set.lifetimeFrom());
        assertEquals(ReviewenvConfig.WhenFull.REFUSE, set.whenFull());
        assertEquals(10L << 30, set.diskFloor().orElseThrow().bytesOf(100L << 30));
        assertEquals(new Limits(4L << 30, 1, 512), set.limitsFor("team/big"), "a trusted repository raises its own");

        List<String> problems = ConfigCheck.problems(config(Map.of("reviewenv.limits.pids", "2", "reviewenv.max-environments", "0",
                "reviewenv.repositories.\"team/shop\".limits.cpus", "0", "reviewenv.traefik.cert-resolver", "le tls")));
        for (String key : List.of("reviewenv.limits:", "reviewenv.max-environments:", "reviewenv.repositories.\"team/shop\".limits:",
                "reviewenv.traefik.cert-resolver:")) {
            assertTrue(problems.stream().anyMatch(p -> p.startsWith(key)), key + " in " + problems);
        }
    }

    @Test
    void theEngineIsComposeUnlessSetAndASwarmRegistryIsWrittenAsImageNamesStartWithIt() {
        ReviewenvConfig plain = config(Map.of());
        assertEquals(ReviewenvConfig.Engine.COMPOSE, plain.engine());
        ReviewenvConfig swarm = config(Map.of("reviewenv.engine", "swarm", "reviewenv.swarm.registry", "registry.example.com:5000/reviews"));
        assertEquals(ReviewenvConfig.Engine.SWARM, swarm.engine());
        assertEquals(List.of(), ConfigCheck.problems(swarm));
        assertEquals(List.of(), ConfigCheck.problems(config(Map.of("reviewenv.swarm.registry", "127.0.0.1:45713"))));
        for (String bad : List.of("https://registry.example.com", "registry.example.com/reviews:tag", "Registry.Example")) {
            List<String> problems = ConfigCheck.problems(config(Map.of("reviewenv.swarm.registry", bad)));
            assertTrue(problems.size() == 1 && problems.get(0).startsWith("reviewenv.swarm.registry: '" + bad + "'"), problems.toString());
        }
    }

    @Test
    void everyBadValueIsReportedWithItsKey() {
        ReviewenvConfig c = config(Map.of(
                "reviewenv.domain", "Review_Apps.example",
                "reviewenv.api-token", "tiny-tok",
                "reviewenv.network", "bad network",
                "reviewenv.git-root", "relative/path",
                "reviewenv.reaper.every", "often",
                "reviewenv.repositories.\"team/shop\".prefix", "Shop_",
                "reviewenv.repositories.\"team/shop\".compose-file", "../../etc/passwd",
                "reviewenv.repositories.\"team/shop\".seed-from", "ma\u0001in",
                "reviewenv.repositories.\"team/cart\".seed-volumes", "db"));
        List<String> problems = ConfigCheck.problems(c);
        for (String key : List.of("reviewenv.domain:", "reviewenv.api-token:", "reviewenv.network:", "reviewenv.git-root:",
                "reviewenv.reaper.every:", "reviewenv.repositories.\"team/shop\".prefix:",
                "reviewenv.repositories.\"team/shop\".compose-file:", "reviewenv.repositories.\"team/shop\".seed-from:",
                "reviewenv.repositories.\"team/cart\".seed-volumes: set without seed-from")) {
            assertTrue(problems.stream().anyMatch(p -> p.startsWith(key)), key + " in " + problems);
        }
        assertTrue(problems.stream().noneMatch(p -> p.contains("tiny-tok")), "the token itself is never echoed");
    }

    @Test
    void aBadLifetimeStopsStartUpNamingTheKey() {
        Exception e = assertThrows(Exception.class, () -> config(Map.of("reviewenv.default-lifetime", "a week")));
        assertTrue(e.getMessage().contains("reviewenv.default-lifetime"), e.getMessage());
    }

    @Test
    void aMissingTokenStopsStartUpNamingTheKey() {
        Exception e = assertThrows(Exception.class, () -> builder().build());
        assertTrue(e.getMessage().contains("reviewenv.api-token"), e.getMessage());
    }

    @Test
    void aCloneUrlIsCheckedAtStartAndItsTokenIsMasked() {
        String key = "reviewenv.repositories.\"team/shop\"";
        ReviewenvConfig ok = config(Map.of(key + ".clone-url", "https://gitlab.example.com/team/shop.git",
                key + ".clone-token", "glpat-0123456789abcdef"));
        assertEquals(List.of(), ConfigCheck.problems(ok));
        assertEquals("clone ******", new Secrets(ok).mask("clone glpat-0123456789abcdef"));
        List<String> problems = ConfigCheck.problems(config(Map.of(key + ".clone-url", "http://gitlab.example.com/team/shop.git",
                key + ".clone-token", "glpat-0123456789abcdef", "reviewenv.repositories.\"team/other\".clone-token", "tok-123456")));
        assertEquals(2, problems.size(), problems.toString());
        assertTrue(problems.contains(key + ".clone-url: 'http://gitlab.example.com/team/shop.git': a token is never sent over"
                + " plain http:// to another host; use https://"), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("reviewenv.repositories.\"team/other\".clone-token: set without"
                + " clone-url")), problems.toString());
        List<String> ssh = ConfigCheck.problems(config(Map.of(key + ".clone-url", "git@github.com:team/shop.git",
                key + ".clone-key", "/nonexistent/key")));
        assertTrue(ssh.contains(key + ".clone-key: /nonexistent/key is not a file reviewenv can read"), ssh.toString());
        assertTrue(ssh.stream().anyMatch(p -> p.startsWith(key + ".clone-known-hosts: missing; an SSH forge's host key is never"
                + " accepted unseen")), ssh.toString());
    }
}
