package dev.reviewenv.capacity;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reviewenv.testsupport.Api;
import dev.reviewenv.testsupport.HostServices;
import dev.reviewenv.testsupport.ServiceUnderTest;
import dev.reviewenv.testsupport.Stacks;
import dev.reviewenv.testsupport.Traefik;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A full host that refuses instead of evicting, and lifetimes that count from the last request through Traefik. */
@QuarkusTest
@WithTestResource(value = HostServices.class, initArgs = @ResourceArg(name = "config", value = """
        reviewenv.max-environments=1
        reviewenv.when-full=refuse
        reviewenv.lifetime-from=last-request
        reviewenv.default-lifetime=1h
        """))
class WhenFullRefuseTest {
    @RegisterExtension
    final ServiceUnderTest sut = ServiceUnderTest.repository("team/full");

    String push(String branch, String page) {
        sut.git().branch(branch).file("docker-compose.yml", CapacityTest.web(page, ""));
        sut.git().commit(branch);
        return Api.startedJob(sut.git().push(branch));
    }

    long removeAt(String name) throws Exception {
        return Long.parseLong(Files.readString(sut.home().resolve(".reviewenv").resolve(name).resolve("removeat")).strip());
    }

    /** {@code reviewenv_failures_total} of one reason (0 before the first). */
    static double failures(String reason) {
        return Api.meter("reviewenv_failures_total", "reason").getOrDefault(reason, 0.0);
    }

    @Test
    void aPushBeyondTheCapIsRefusedWithTheReasonAndTheRunningOneStays() throws Exception {
        String a = Api.succeeded(push("full/a", "a")).getString("environment");
        double capacityBefore = failures("refused-capacity");
        double ownershipBefore = failures("refused-ownership");
        JsonPath refused = Api.awaitJob(push("full/b", "b"));
        assertEquals("failed", refused.getString("status"));
        String out = refused.getString("output");
        assertTrue(out.contains("reviewenv.max-environments is 1 and 1 environments run")
                && out.contains("refused (reviewenv.when-full=refuse): stop one with DELETE /api/environments/<name>,"
                + " or raise reviewenv.max-environments"), out);
        assertEquals(List.of(a), Api.environments());
        assertEquals(List.of(), Stacks.leftovers("full-b"), "nothing of the refused push was made");
        assertEquals(200, Traefik.get(sut.traefikPort(), a + ".localhost", "/").status());
        assertEquals(capacityBefore + 1, failures("refused-capacity"), "counted as a capacity refusal");
        assertEquals(ownershipBefore, failures("refused-ownership"), "not as one of ownership");
    }

    @Test
    void withLifetimeFromLastRequestARequestMovesRemoveAt() throws Exception {
        String a = Api.succeeded(push("full/a", "a")).getString("environment");
        long deployedRemoveAt = removeAt(a);
        Api.sleep(2100);
        assertEquals(200, Traefik.get(sut.traefikPort(), a + ".localhost", "/").status());
        Instant deadline = Instant.now().plusSeconds(30);
        while (removeAt(a) == deployedRemoveAt) {
            assertTrue(Instant.now().isBefore(deadline), "a request through Traefik never moved removeat");
            Api.sleep(200);
        }
        String lastRequest = given().auth().oauth2(HostServices.TOKEN).get("/api/environments/" + a).then().statusCode(200)
                .extract().jsonPath().getString("lastRequest");
        assertEquals(Instant.parse(lastRequest).getEpochSecond() + 3600, removeAt(a), "removeat is the last request + 1h");
        assertTrue(removeAt(a) >= deployedRemoveAt + 2);
    }
}
