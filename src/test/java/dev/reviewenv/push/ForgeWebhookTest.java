package dev.reviewenv.push;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reviewenv.testsupport.Api;
import dev.reviewenv.testsupport.Forge;
import dev.reviewenv.testsupport.HostServices;
import dev.reviewenv.testsupport.ServiceUnderTest;
import dev.reviewenv.testsupport.Stack;
import dev.reviewenv.testsupport.Traefik;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A repository configured with only a clone-url, a token and a webhook secret: a commit pushed to
 * the forge (git's own smart-HTTP server, checking the token) and announced by a signed webhook is
 * fetched into reviewenv's mirror, deployed, routed and served through Traefik; nothing of it is
 * under the git root, and the token is in no log.
 */
@QuarkusTest
@WithTestResource(value = HostServices.class, initArgs = {
        @ResourceArg(name = "forge", value = "team/forge|oauth2|" + ForgeWebhookTest.TOKEN),
        @ResourceArg(name = "config", value = """
                reviewenv.repositories."team/forge".webhook-secret=forge-hook-secret-42
                """)})
class ForgeWebhookTest {
    static final String TOKEN = "glpat-forge-7Hq2-token";

    @RegisterExtension
    final ServiceUnderTest sut = ServiceUnderTest.repositories();

    @TempDir
    Path work;

    static String push(String ref, String before, String after) {
        return """
                {"ref":"%s","before":"%s","after":"%s","deleted":%s,"repository":{"full_name":"team/forge"}}"""
                .formatted(ref, before, after, after.equals("0".repeat(40)));
    }

    @Test
    void aCommitOnTheForgeAnnouncedByItsWebhookIsFetchedDeployedAndServed() throws Exception {
        Forge forge = new Forge(work, "forge-hook-secret-42");
        String sha = forge.commit(Map.of("docker-compose.yml", Stack.compose("web", "reviewenv/busybox:local"),
                "web/Dockerfile", Stack.dockerfile("fetched from the forge")));
        forge.push("refs/heads/from-forge");

        String job = forge.github("push", push("refs/heads/from-forge", "0".repeat(40), sha)).then().statusCode(202)
                .extract().jsonPath().getString("job");
        Api.succeeded(job);
        String log = Api.job(job).getString("output");
        assertTrue(log.contains("fetching refs/heads/from-forge of team/forge from http://127.0.0.1:"), log);
        assertFalse(log.contains(TOKEN), "the token is in no job log");
        assertEquals(200, Traefik.await(sut.traefikPort(), "from-forge.localhost", "fetched from the forge",
                Duration.ofSeconds(20)).status());
        assertTrue(Files.isDirectory(sut.home().resolve(".reviewenv-mirrors/team/forge.git/objects")), "the mirror is reviewenv's");
        assertFalse(Files.exists(sut.gitRoot().resolve("team/forge.git")), "nothing of it is under the git root");
        assertFalse(Files.readString(Path.of(sut.config("reviewenv-test.log"))).contains(TOKEN), "the token is in no service log");

        forge.delete("refs/heads/from-forge");
        String stop = forge.github("push", push("refs/heads/from-forge", sha, "0".repeat(40))).then().statusCode(202)
                .extract().jsonPath().getString("job");
        given().auth().oauth2(HostServices.TOKEN).get("/api/jobs/" + stop).then().statusCode(200).body("action", equalTo("stop"));
        Api.succeeded(stop);
        assertEquals(List.of(), Api.environments());
    }
}
