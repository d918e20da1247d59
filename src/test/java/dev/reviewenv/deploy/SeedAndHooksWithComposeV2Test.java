package dev.reviewenv.deploy;

import dev.reviewenv.testsupport.HostServices;
import dev.reviewenv.testsupport.SmallDisk;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** {@link SeedAndHooksScenarios} with Compose v2 (the default). */
@QuarkusTest
@WithTestResource(value = HostServices.class, initArgs = {@ResourceArg(name = "config", value = SeedAndHooksScenarios.CONFIG)})
@WithTestResource(SmallDisk.class)
class SeedAndHooksWithComposeV2Test extends SeedAndHooksScenarios {
}
