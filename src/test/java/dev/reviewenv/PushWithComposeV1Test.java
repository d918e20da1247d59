package dev.reviewenv;

import dev.reviewenv.testsupport.HostServices;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** {@link PushScenarios} with Compose v1 (docker-compose). */
@QuarkusTest
@WithTestResource(value = HostServices.class, initArgs = @ResourceArg(name = "compose", value = "docker-compose"))
class PushWithComposeV1Test extends PushScenarios {
    @Override
    String composeCommand() {
        return "$ docker-compose ";
    }
}
