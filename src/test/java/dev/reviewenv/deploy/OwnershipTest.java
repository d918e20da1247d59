package dev.reviewenv.deploy;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reviewenv.reaper.Reaper;
import dev.reviewenv.testsupport.Api;
import dev.reviewenv.testsupport.Cmd;
import dev.reviewenv.testsupport.Docker;
import dev.reviewenv.testsupport.GitFixture;
import dev.reviewenv.testsupport.HostServices;
import dev.reviewenv.testsupport.ServiceUnderTest;
import dev.reviewenv.testsupport.Traefik;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * reviewenv touches only what it made, against real projects, images and containers that are not
 * its own, and two repositories with the same branch. The verdict is what Docker holds afterwards.
 */
@QuarkusTest
@WithTestResource(HostServices.class)
class OwnershipTest {
    @RegisterExtension
    final ServiceUnderTest sut = ServiceUnderTest.repositories();

    @Inject
    Reaper reaper;

    static String page(String service, String text) {
        return """
                services:
                  %s:
                    image: reviewenv/busybox:local
                    init: true
                    command: ["sh", "-c", "mkdir -p /www && echo %s > /www/index.html && exec httpd -f -p 8080 -h /www"]
                    expose: ["8080"]
                """.formatted(service, text);
    }

    JsonPath push(GitFixture git, String branch, String compose) {
        git.branch(branch).file("docker-compose.yml", compose);
        git.commit(branch);
        return Api.awaitJob(Api.startedJob(git.push(branch)));
    }

    String delete(GitFixture git, String branch) {
        return Api.awaitJob(Api.startedJob(git.push(":" + branch))).getString("output");
    }

    /** A compose project of the operator's own, made with Compose and without reviewenv's label. */
    List<String> foreignProject(String project) throws Exception {
        Path dir = Files.createTempDirectory("foreign");
        Files.writeString(dir.resolve("compose.yml"), """
                services:
                  app:
                    image: reviewenv/busybox:local
                    init: true
                    command: ["sleep", "3600"]
                volumes:
                  keep: {}
                """);
        sut.cleanUp("docker", "compose", "-p", project, "-f", dir.resolve("compose.yml").toString(), "down", "--volumes");
        Cmd.ok("docker", "compose", "-p", project, "-f", dir.resolve("compose.yml").toString(), "up", "-d");
        Cmd.ok("docker", "volume", "create", "--label", "com.docker.compose.project=" + project, project + "_keep");
        return Cmd.lines(Cmd.ok("docker", "ps", "-q", "--filter", "label=com.docker.compose.project=" + project));
    }

    @Test
    void aProjectOfTheSameNameThatIsNotReviewenvsIsNeverDeployedIntoNorRemoved() throws Exception {
        List<String> theirs = foreignProject("monitoring");
        assertEquals(1, theirs.size());
        GitFixture git = sut.repo("team/ops");
        JsonPath job = push(git, "monitoring", page("web", "mine"));
        assertEquals("failed", job.getString("status"), job.getString("output"));
        assertTrue(job.getString("output").contains("a compose project named monitoring that reviewenv did not make"),
                job.getString("output"));
        assertFalse(Files.exists(sut.home().resolve(".reviewenv/monitoring")), "no record");

        String out = delete(git, "monitoring");
        assertTrue(out.contains("no environment of team/ops monitoring to stop"), out);
        given().auth().oauth2(HostServices.TOKEN).delete("/api/environments/monitoring").then().statusCode(404);
        reaper.reap(Instant.now().plusSeconds(3600L * 24 * 365), false);
        assertEquals(theirs, Cmd.lines(Cmd.ok("docker", "ps", "-q", "--filter", "label=com.docker.compose.project=monitoring")),
                "the operator's container runs on");
        assertEquals(0, Cmd.run(null, Map.of(), "docker", "volume", "inspect", "monitoring_keep").code(), "and its volume is there");
    }

    @Test
    void aBranchDeletedInOneRepositoryNeverEndsTheSameBranchOfAnother() {
        GitFixture a = sut.repo("team/a");
        GitFixture b = sut.repo("team/b");
        JsonPath first = push(a, "feature/foo", page("web", "from-a"));
        assertEquals("succeeded", first.getString("status"), first.getString("output"));
        assertEquals("feature-foo", first.getString("environment"));
        JsonPath second = push(b, "feature/foo", page("web", "from-b"));
        assertEquals("succeeded", second.getString("status"), second.getString("output"));
        String bName = second.getString("environment");
        assertTrue(bName.startsWith("feature-foo-"), bName);

        Api.succeeded(Api.stop(bName));
        String out = delete(b, "feature/foo");
        assertTrue(out.contains("no environment of team/b feature/foo to stop"), out);
        assertEquals(1, Docker.environment("feature-foo").size(), "team/a's environment runs on");
        assertEquals("from-a", Traefik.await(sut.traefikPort(), "feature-foo.localhost", "from-a", Duration.ofSeconds(20)).body().trim());

        out = delete(a, "feature/foo");
        assertTrue(out.contains("environment feature-foo removed (branch-deleted)"), out);
        assertEquals(List.of(), Docker.environment("feature-foo"));
    }

    @Test
    void anImageNamedLikeTheBuildThatIsNotTheEnvironmentsIsNeverReplaced() {
        String old = "ops-web";
        Cmd.ok("docker", "tag", "reviewenv/busybox:local", old);
        sut.cleanUp("docker", "rmi", old);
        String before = Docker.imageId(old);
        GitFixture git = sut.repo("team/img");
        git.branch("ops").file("web/Dockerfile", "FROM reviewenv/busybox:local\nCMD [\"httpd\", \"-f\", \"-p\", \"8080\", \"-h\", \"/\"]\n")
                .file("docker-compose.yml", "services:\n  web:\n    build: ./web\n    init: true\n    expose: [\"8080\"]\n");
        String commit = git.commit("ops");
        String tag = "ops/web:" + commit;
        Cmd.ok("docker", "tag", "reviewenv/busybox:local", tag);
        sut.cleanUp("docker", "rmi", tag);
        JsonPath job = Api.awaitJob(Api.startedJob(git.push("ops")));
        assertEquals("failed", job.getString("status"), job.getString("output"));
        assertTrue(job.getString("output").contains("image " + tag + " (not built for ops)"), job.getString("output"));
        assertEquals(before, Docker.imageId(tag), "the operator's tag of the build's name");
        assertEquals(before, Docker.imageId(old), "and the name builds had before");
    }

    @Test
    void routesThatOnceAnsweredToTheSameNameNowEachReachOnlyTheirOwn() {
        GitFixture git = sut.repo("team/net");
        JsonPath first = push(git, "feature", page("login-web", "first"));
        assertEquals("succeeded", first.getString("status"), first.getString("output"));
        JsonPath second = push(git, "feature-login", page("web", "second"));
        assertEquals("succeeded", second.getString("status"), second.getString("output"));
        for (int i = 0; i < 5; i++) {
            assertEquals("first", Traefik.await(sut.traefikPort(), "feature.localhost", "first", Duration.ofSeconds(20)).body().trim());
            assertEquals("second", Traefik.await(sut.traefikPort(), "feature-login.localhost", "second", Duration.ofSeconds(20)).body().trim());
        }
    }

    @Test
    void aContainerOfSomeoneElseOnTheSharedNetworkUnderTheUpstreamNameFailsTheDeployAndIsLeftAlone() {
        String squatter = "web.squat";
        Cmd.ok("docker", "run", "-d", "--init", "--name", squatter, "--network", sut.config("reviewenv.network"), "reviewenv/busybox:local", "sleep", "3600");
        sut.cleanUp("docker", "rm", "-f", squatter);
        GitFixture git = sut.repo("team/squat");
        JsonPath job = push(git, "squat", page("web", "mine"));
        assertEquals("failed", job.getString("status"), job.getString("output"));
        assertTrue(job.getString("output").contains("web.squat is also a name of container"), job.getString("output"));
        assertEquals(List.of(), Docker.environment("squat"), "rolled back");
        assertFalse(Files.exists(sut.home().resolve(".reviewenv-traefik/dynamic/squat.yml")), "no route to the squatter");
        assertEquals("running", Cmd.ok("docker", "inspect", "-f", "{{.State.Status}}", squatter).trim());
    }
}
