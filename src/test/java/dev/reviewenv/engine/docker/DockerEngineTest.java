package dev.reviewenv.engine.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reviewenv.engine.stack.Endpoints;
import dev.reviewenv.engine.stack.StackEngine;
import dev.reviewenv.naming.EnvironmentName;
import dev.reviewenv.testsupport.Cmd;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Docker adapter's contract against the real engine: what carries reviewenv's label for an
 * environment is found and swept, and nothing else is, whatever its name; who is on a network by
 * which names; whose an image is.
 */
class DockerEngineTest {
    DockerEngine docker;
    String id;
    EnvironmentName name;
    final List<String> made = new ArrayList<>();

    @BeforeEach
    void setUp() {
        docker = new DockerEngine();
        id = UUID.randomUUID().toString().substring(0, 8);
        name = EnvironmentName.of("de-" + id);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (int i = made.size() - 1; i >= 0; i--) {
            String[] what = made.get(i).split(" ", 2);
            Cmd.run(null, Map.of(), "docker", what[0], "rm", "-f", what[1]);
        }
        docker.close();
    }

    /** A container of the test stack's image, running, with these labels, on {@code network} (or none) with an alias. */
    String container(String container, Map<String, String> labels, String network, String alias) {
        List<String> argv = new ArrayList<>(List.of("docker", "run", "-d", "--init", "--name", container));
        labels.forEach((k, v) -> argv.addAll(List.of("--label", k + "=" + v)));
        if (network != null) {
            argv.addAll(List.of("--network", network, "--network-alias", alias));
        }
        argv.addAll(List.of("reviewenv/busybox:local", "sleep", "300"));
        made.add("container " + container);
        return Cmd.ok(argv.toArray(String[]::new)).strip();
    }

    Map<String, String> ours() {
        return Map.of(Labels.COMPOSE_PROJECT, name.value(), Labels.ENVIRONMENT, name.value(), Labels.COMPOSE_SERVICE, "web");
    }

    @Test
    void theEnvironmentsPartsAreWhatCarriesItsLabelAndTheSweepRemovesThoseAlone() {
        String network = name.value() + "_default";
        Cmd.ok("docker", "network", "create", "--label", Labels.ENVIRONMENT + "=" + name.value(), network);
        made.add("network " + network);
        Cmd.ok("docker", "volume", "create", "--label", Labels.ENVIRONMENT + "=" + name.value(), name.value() + "_data");
        made.add("volume " + name.value() + "_data");
        // The operator's: the project's name, but not reviewenv's label.
        Cmd.ok("docker", "volume", "create", "--label", Labels.COMPOSE_PROJECT + "=" + name.value(), name.value() + "_theirs");
        made.add("volume " + name.value() + "_theirs");
        container(name.value() + "-web-1", ours(), network, "web");
        container(name.value() + "-stranger", Map.of(Labels.COMPOSE_PROJECT, name.value()), null, null);

        List<StackEngine.Unit> units = docker.containers(name);
        assertEquals(1, units.size(), units.toString());
        assertEquals("web", units.get(0).service());
        assertTrue(units.get(0).running());
        assertTrue(docker.environmentsWithContainers().contains(name));
        assertTrue(docker.environmentsRunning().contains(name));
        assertEquals(List.of("container " + name.value() + "-stranger"), docker.foreign(name, true));
        assertTrue(docker.foreign(name, false).contains("volume " + name.value() + "_theirs"), docker.foreign(name, false).toString());
        assertEquals(Map.of(Labels.ENVIRONMENT, name.value()),
                docker.objects().labelsOf(DockerObjects.Kind.VOLUME, name.value() + "_data").orElseThrow());
        assertTrue(docker.objects().labelsOf(DockerObjects.Kind.NETWORK, name.value() + "_none").isEmpty());

        List<String> swept = docker.sweep(name, line -> { });
        assertEquals(Set.of("container /" + name.value() + "-web-1", "network " + network, "volume " + name.value() + "_data"),
                Set.copyOf(swept));
        assertEquals(List.of(), docker.containers(name));
        assertTrue(docker.objects().containerExists(name.value() + "-stranger"), "what is not reviewenv's stays");
        assertTrue(docker.objects().labelsOf(DockerObjects.Kind.VOLUME, name.value() + "_theirs").isPresent());
    }

    @Test
    void aNetworkTellsWhoIsOnItByEveryNameItAnswersTo() {
        String network = "de-net-" + id;
        docker.networks().createNetwork(network, Map.of(Labels.ENVIRONMENT, name.value()), Map.of(), false);
        made.add("network " + network);
        assertTrue(docker.networks().networkExists(network));
        String mine = container(name.value() + "-web", ours(), network, "web");
        String other = container("de-other-" + id, Map.of(), network, "db");
        List<Endpoints.Endpoint> on = docker.networks().on(network);
        assertEquals(2, on.size(), on.toString());
        Endpoints.Endpoint e = on.stream().filter(x -> x.container().equals(mine)).findFirst().orElseThrow();
        assertEquals(name.value(), e.environment());
        assertTrue(e.names().containsAll(Set.of("web", name.value() + "-web")), e.names().toString());
        Endpoints.Endpoint o = on.stream().filter(x -> x.container().equals(other)).findFirst().orElseThrow();
        assertEquals(null, o.environment());
        assertTrue(docker.networks().gateway(network).isPresent());
        // Joining is idempotent, and leaving what one is not on is done already.
        String outside = "de-outside-" + id;
        docker.networks().createNetwork(outside, Map.of(), Map.of(), true);
        made.add("network " + outside);
        docker.networks().connect(outside, mine);
        docker.networks().connect(outside, mine);
        assertTrue(docker.networks().networksOf(mine).contains(outside));
        docker.networks().disconnect(outside, mine);
        docker.networks().disconnect(outside, mine);
        assertFalse(docker.networks().networksOf(mine).contains(outside));
    }

    @Test
    void anImageIsTheEnvironmentsOnlyByItsLabelAndIsNeverRemovedWhileInUse() {
        String built = "reviewenv-it/de-built:" + id;
        Cmd.ok("sh", "-c", "printf 'FROM reviewenv/busybox:local\\nLABEL " + Labels.ENVIRONMENT + "=" + name.value()
                + "\\n' | docker build -q -t " + built + " -");
        made.add("image " + built);
        String tagged = "reviewenv-it/de-tagged:" + id;
        Cmd.ok("docker", "tag", "reviewenv/busybox:local", tagged);
        made.add("image " + tagged);
        DockerImages images = docker.images();
        assertEquals(name.value(), images.environmentOf(built).orElseThrow());
        assertTrue(images.environmentOf(tagged).isEmpty(), "a tag is nobody's build");
        assertTrue(images.builtFor(name).contains(images.id(built).orElseThrow()));
        assertTrue(images.size(built).orElseThrow() > 0);
        assertTrue(images.exists(tagged));
        Cmd.ok("docker", "run", "-d", "--init", "--name", name.value() + "-b", "--label", Labels.COMPOSE_PROJECT + "=" + name.value(),
                built, "sleep", "300");
        made.add("container " + name.value() + "-b");
        assertEquals(Set.of(name.value()), images.users(built));
        // A container of an image built for the environment carries its label, inherited from the image.
        assertEquals(Set.of(images.id(built).orElseThrow()), images.runBy(name));
        assertFalse(images.remove(built), "in use: kept");
        Cmd.ok("docker", "rm", "-f", name.value() + "-b");
        assertTrue(images.remove(built));
        assertFalse(images.exists(built));
        assertTrue(images.remove(built), "not found counts as removed");
    }
}
