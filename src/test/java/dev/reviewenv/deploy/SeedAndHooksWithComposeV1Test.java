package dev.reviewenv.deploy;

import dev.reviewenv.testsupport.HostServices;
import dev.reviewenv.testsupport.SmallDisk;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** {@link SeedAndHooksScenarios} with Compose v1 (docker-compose). */
@QuarkusTest
@WithTestResource(value = HostServices.class, initArgs = {@ResourceArg(name = "config", value = SeedAndHooksScenarios.CONFIG),
        @ResourceArg(name = "compose", value = "docker-compose")})
@WithTestResource(SmallDisk.class)
class SeedAndHooksWithComposeV1Test extends SeedAndHooksScenarios {
}
