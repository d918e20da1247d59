package dev.reviewenv.engine.swarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reviewenv.engine.docker.DockerEngine;
import dev.reviewenv.engine.docker.Labels;
import dev.reviewenv.engine.process.CommandRunner;
import dev.reviewenv.engine.stack.StackEngine;
import dev.reviewenv.naming.EnvironmentName;
import dev.reviewenv.testsupport.Cmd;
import dev.reviewenv.time.Poller;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The swarm engine's contract on a real single-node swarm (this host's engine made a manager for the
 * test, and made to leave after if it was not one): a stack's life through every verb, as its tasks
 * and the labels on what it made tell it.
 */
class SwarmStacksTest {
    static boolean joined;
    static DockerEngine docker;

    @TempDir
    Path dir;

    @BeforeAll
    static void swarm() {
        String state = Cmd.ok("docker", "info", "--format", "{{.Swarm.LocalNodeState}}").strip();
        if (!"active".equals(state)) {
            Cmd.ok("docker", "swarm", "init", "--advertise-addr", "127.0.0.1");
            joined = true;
        }
        docker = new DockerEngine();
    }

    @AfterAll
    static void leave() throws Exception {
        docker.close();
        if (joined) {
            Cmd.run(null, Map.of(), "docker", "swarm", "leave", "--force");
        }
    }

    static String file(EnvironmentName name) {
        String label = Labels.ENVIRONMENT + ": " + name.value();
        return """
                version: "3.9"
                services:
                  web:
                    image: reviewenv/busybox:local
                    command: ["sleep", "300"]
                    init: true
                    stop_grace_period: 2s
                    labels: {%1$s}
                    deploy:
                      replicas: 2
                      endpoint_mode: dnsrr
                      restart_policy: {condition: none}
                      labels: {%1$s}
                networks:
                  default:
                    labels: {%1$s}
                """.formatted(label);
    }

    @Test
    void aStackLivesThroughEveryVerbAndLeavesNothingWithItsLabel() throws Exception {
        EnvironmentName name = EnvironmentName.of("ss-" + UUID.randomUUID().toString().substring(0, 8));
        Path file = dir.resolve("docker-compose.yml");
        Files.writeString(file, file(name), StandardCharsets.UTF_8);
        SwarmStacks engine = new SwarmStacks(docker, new CommandRunner(dir.resolve("pids")),
                new SwarmStacks.Settings(Optional.empty(), Optional.empty(), Duration.ofSeconds(60), Duration.ofSeconds(2)),
                Clock.systemUTC()).requireManager();
        StackEngine.Stack stack = new StackEngine.Stack(name, file, null);
        Poller poller = new Poller(Clock.systemUTC(), Duration.ofMillis(200));
        List<String> out = new ArrayList<>();
        String stranger = name.value() + "_data";
        try {
            engine.up(stack, out::add);
            assertTrue(out.contains("$ docker stack deploy --prune --resolve-image never --with-registry-auth -c " + file + " "
                    + name.value()), out.toString());
            assertTrue(poller.until(Duration.ofSeconds(60), () -> engine.units(name).stream().filter(StackEngine.Unit::running)
                    .count() == 2), engine.units(name).toString());
            assertEquals(List.of("web.1", "web.2"), engine.units(name).stream().map(StackEngine.Unit::name).toList());
            assertTrue(engine.environments().contains(name));
            assertTrue(engine.environmentsRunning().contains(name));
            assertEquals(List.of(), engine.foreign(name, false));
            assertEquals(Map.of(), engine.troubles());

            // A volume of the stack's name that reviewenv did not make is named, never used.
            Cmd.ok("docker", "volume", "create", stranger);
            Map<String, Object> withVolume = new java.util.LinkedHashMap<>(Map.of("services", Map.of("web", Map.of()),
                    "volumes", Map.of("data", Map.of())));
            assertEquals(List.of("volume " + stranger + " (not reviewenv's)"), engine.strangers(name, withVolume, true));

            engine.stop(stack, out::add);
            assertTrue(engine.units(name).isEmpty(), "a stop ends the tasks");
            assertFalse(engine.environmentsRunning().contains(name));
            assertTrue(engine.environments().contains(name), "asleep, the stack is still there");

            engine.start(stack, out::add);
            assertTrue(poller.until(Duration.ofSeconds(60), () -> engine.units(name).stream().filter(StackEngine.Unit::running)
                    .count() == 2), engine.units(name).toString());

            engine.down(stack, out::add);
            assertFalse(engine.environments().contains(name));
            assertEquals(List.of(), docker.objects().containerIds(Map.of(Labels.ENVIRONMENT, name.value())));
            assertTrue(docker.objects().labelsOf(dev.reviewenv.engine.docker.DockerObjects.Kind.NETWORK, name.value() + "_default")
                    .isEmpty(), "its network went with it");
            assertTrue(out.contains("no registry is set, so nothing runs on the other nodes (removed what " + name
                    + " left: not done there)"), out.toString());
            assertTrue(docker.objects().labelsOf(dev.reviewenv.engine.docker.DockerObjects.Kind.VOLUME, stranger).isPresent(),
                    "what is not the stack's stays");
        } finally {
            engine.sweep(name, line -> { });
            Cmd.run(null, Map.of(), "docker", "volume", "rm", stranger);
        }
    }
}
