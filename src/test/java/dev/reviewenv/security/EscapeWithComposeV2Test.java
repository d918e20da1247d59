package dev.reviewenv.security;

import dev.reviewenv.testsupport.HostServices;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(value = HostServices.class, initArgs = @ResourceArg(name = "compose", value = "docker compose"))
class EscapeWithComposeV2Test extends EscapeSuite {
    @Override
    boolean v1() {
        return false;
    }
}
