package dev.reviewenv.teardown;

import dev.reviewenv.testsupport.Cmd;
import dev.reviewenv.testsupport.HostServices;
import dev.reviewenv.testsupport.Stacks;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.UUID;

/** {@link EndingsScenarios} with Compose on this host (the default engine). */
@QuarkusTest
@WithTestResource(HostServices.class)
class EndingsTest extends EndingsScenarios {
    @Override
    String stray(String project, boolean ours) {
        String name = "reviewenv-it-stray-" + UUID.randomUUID().toString().substring(0, 6);
        List<String> argv = new java.util.ArrayList<>(List.of("docker", "run", "-d", "--init", "--name", name,
                "--label", "com.docker.compose.project=" + project));
        if (ours) {
            argv.addAll(List.of("--label", "dev.reviewenv.environment=" + project));
        }
        argv.addAll(List.of("reviewenv/busybox:local", "sleep", "3600"));
        Cmd.ok(argv.toArray(String[]::new));
        extra.add(List.of("docker", "rm", "-f", name));
        return project;
    }

    @Override
    void loseStack(String name) {
        Stacks.containers(name).forEach(c -> Cmd.ok("docker", "rm", "-f", c));
    }
}
