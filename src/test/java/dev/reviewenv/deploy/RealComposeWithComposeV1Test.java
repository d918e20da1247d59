package dev.reviewenv.deploy;

import dev.reviewenv.testsupport.HostServices;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(value = HostServices.class, initArgs = {
        @ResourceArg(name = "compose", value = "docker-compose"),
        @ResourceArg(name = "config", value = "reviewenv.repositories.\"team/app\".variables.DB_PASSWORD=" + RealComposeScenarios.SECRET),
        @ResourceArg(name = "variables-file", value = "team/app|# the operator's own\nAPI_KEY=" + RealComposeScenarios.FILE_SECRET + "\n")})
class RealComposeWithComposeV1Test extends RealComposeScenarios {
}
