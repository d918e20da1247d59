package dev.reviewenv.teardown;

import dev.reviewenv.testsupport.Cmd;
import dev.reviewenv.testsupport.HostServices;
import dev.reviewenv.testsupport.Stacks;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.UUID;

/**
 * {@link EndingsScenarios} on the swarm engine (this engine as a single-node swarm manager): what is
 * made outside reviewenv is a swarm service carrying the stack's labels, and a stack is lost when
 * its services are removed.
 */
@QuarkusTest
@WithTestResource(value = HostServices.class, initArgs = @ResourceArg(name = "swarm", value = "true"))
class EndingsWithSwarmTest extends EndingsScenarios {
    @Override
    String stray(String project, boolean ours) {
        String name = "reviewenv-it-stray-" + UUID.randomUUID().toString().substring(0, 6);
        List<String> argv = new java.util.ArrayList<>(List.of("docker", "service", "create", "--detach=false", "--quiet",
                "--name", name, "--init", "--restart-condition", "none", "--endpoint-mode", "dnsrr"));
        for (String kind : List.of("--label", "--container-label")) {
            argv.addAll(List.of(kind, "com.docker.stack.namespace=" + project));
            if (ours) {
                argv.addAll(List.of(kind, "dev.reviewenv.environment=" + project));
            }
        }
        argv.addAll(List.of("reviewenv/busybox:local", "sleep", "3600"));
        Cmd.ok(argv.toArray(String[]::new));
        extra.add(List.of("docker", "service", "rm", name));
        return project;
    }

    @Override
    void loseStack(String name) {
        Stacks.services(name).forEach(s -> Cmd.ok("docker", "service", "rm", s));
    }
}
