package dev.reviewenv.notice;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reviewenv.reaper.Reaper;
import dev.reviewenv.testsupport.Api;
import dev.reviewenv.testsupport.GitFixture;
import dev.reviewenv.testsupport.HostServices;
import dev.reviewenv.testsupport.Receivers;
import dev.reviewenv.testsupport.ServiceUnderTest;
import dev.reviewenv.testsupport.Stack;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every event reaches ntfy and the webhook as their APIs describe (stand-ins that check each
 * request, see {@link Receivers}); the expiry warning's one-click Extend works once, without the
 * token; each forge gets its commit statuses and one comment, and one that is down slows nothing.
 */
@QuarkusTest
@WithTestResource(HostServices.class)
@WithTestResource(Receivers.class)
class NoticesTest {
    /** The receivers are judged once every environment is stopped (a stop sends notices too). */
    @RegisterExtension
    final ServiceUnderTest sut = ServiceUnderTest.repositories().afterwards(this::everyRequestKeptToTheApi);

    @Inject
    Reaper reaper;

    String side;

    @BeforeEach
    void setUp() {
        side = sut.sideImage();
        Receivers.clear();
    }

    void everyRequestKeptToTheApi() {
        assertEquals(List.of(), Receivers.violations, "every request kept to the published API");
    }

    JsonPath deploy(GitFixture git, String branch, String page, String... options) {
        git.branch(branch).file("docker-compose.yml", Stack.compose("web", side)).file("web/Dockerfile", Stack.dockerfile(page));
        git.commit(page);
        return Api.awaitJob(Api.startedJob(git.push(branch, options)));
    }

    static List<Receivers.Received> await(String kind, Predicate<Receivers.Received> which, int count) {
        Instant deadline = Instant.now().plusSeconds(30);
        while (true) {
            List<Receivers.Received> got = Receivers.of(kind).stream().filter(which).toList();
            if (got.size() >= count) {
                return got;
            }
            assertTrue(Instant.now().isBefore(deadline), kind + ": got " + Receivers.of(kind));
            Api.sleep(100);
        }
    }

    @Test
    void everyEventReachesNtfyAndTheWebhookAndTheExpiryWarningExtendsOnceWithoutTheToken() throws Exception {
        GitFixture git = sut.repo("team/notes");
        JsonPath done = deploy(git, "feature/n", "n", "-o", "lifetime=8m");
        assertEquals("succeeded", done.getString("status"), done.getString("output"));
        var deployed = await("webhook", r -> r.json().path("event").asText().equals("deployed"), 1).get(0).json();
        assertEquals("feature-n", deployed.path("environment").asText());
        assertEquals("team/notes", deployed.path("repository").asText());
        assertEquals(done.getString("revision"), deployed.path("commit").asText());
        assertEquals("http://feature-n.localhost", deployed.path("url").asText());
        assertEquals(done.getString("id"), deployed.path("job").asText());
        var ntfy = await("ntfy", r -> r.header("Title").equals("feature-n is up"), 1).get(0);
        assertEquals("http://feature-n.localhost", ntfy.header("Click"));

        Path removeat = sut.home().resolve(".reviewenv/feature-n/removeat");
        Files.writeString(removeat, (Instant.now().getEpochSecond() + 60) + "\n");
        reaper.reap(Instant.now(), false);
        var expiring = await("webhook", r -> r.json().path("event").asText().equals("expiring"), 1).get(0).json();
        String link = expiring.path("extendUrl").asText();
        assertTrue(link.contains("/extend/feature-n?t="), link);
        var ntfyWarning = await("ntfy", r -> r.header("Title").startsWith("feature-n expires"), 1).get(0);
        assertTrue(ntfyWarning.header("Actions").startsWith("view, Extend, " + link), ntfyWarning.header("Actions"));
        reaper.reap(Instant.now(), false);
        Api.sleep(500);
        assertEquals(1, Receivers.of("webhook").stream().filter(r -> r.json().path("event").asText().equals("expiring")).count(),
                "one warning for one removeat");

        URI uri = URI.create(link);
        String pathAndQuery = uri.getRawPath() + "?" + uri.getRawQuery();
        given().get(pathAndQuery.replace("t=", "t=0")).then().statusCode(403);
        given().get(pathAndQuery).then().statusCode(200).body(containsString("feature-n is extended"));
        long moved = Long.parseLong(Files.readString(removeat).trim());
        assertTrue(Math.abs(moved - Instant.now().plus(Duration.ofMinutes(8)).getEpochSecond()) < 30, "extended by its lifetime, 8m");
        given().get(pathAndQuery).then().statusCode(403).body(containsString("spent"));

        git.branch("feature/broken").file("docker-compose.yml", "services:\n  web:\n    image: reviewenv-it/none:1\n    expose: [\"80\"]\n");
        git.commit("broken");
        Api.awaitJob(Api.startedJob(git.push("feature/broken")));
        var failed = await("webhook", r -> r.json().path("event").asText().equals("failed"), 1).get(0).json();
        assertTrue(failed.path("reason").asText().contains("reviewenv-it/none:1"), failed.toString());
        await("ntfy", r -> r.header("Title").equals("deploy of feature-broken failed") && r.body().contains("reviewenv-it/none:1"), 1);

        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        for (String line : List.of("reviewenv_environments{status=\"running\"} 1.0", "reviewenv_jobs_queued ",
                "reviewenv_deploy_duration_seconds_count{outcome=\"succeeded\"}", "reviewenv_deploy_duration_seconds_count{outcome=\"failed\"}",
                "reviewenv_failures_total{reason=\"deploy\"}", "reviewenv_reaper_pass_seconds_count{dry_run=\"false\"}")) {
            assertTrue(metrics.contains(line), "/q/metrics has " + line + ":\n" + metrics.lines().filter(l -> l.startsWith("reviewenv")).toList());
        }

        Api.succeeded(Api.stop("feature-n"));
        var stopped = await("webhook", r -> r.json().path("event").asText().equals("stopped"), 1).get(0).json();
        assertEquals("manual", stopped.path("reason").asText());
        await("ntfy", r -> r.header("Title").equals("feature-n stopped (manual)"), 1);
        assertTrue(!Files.readString(Path.of(ConfigProvider.getConfig().getValue("reviewenv-test.log", String.class)))
                .contains(Receivers.FORGE_TOKEN), "no token in the log");
    }

    /** An edit of a comment: PATCH (GitHub, Gitea) or PUT (GitLab) of one comment or note. */
    static boolean edit(Receivers.Received r) {
        return (r.method().equals("PATCH") || r.method().equals("PUT")) && r.path().matches(".*/(comments|notes)/\\d+");
    }

    @Test
    void eachForgeGetsItsStatusesAndOneCommentAndOneThatIsDownSlowsNothing() {
        for (String[] forge : new String[][] {{"team/fg", "gitea"}, {"team/gh", "github"}, {"team/gl", "gitlab"}}) {
            GitFixture git = sut.repo(forge[0]);
            String name = "feature-x";
            String first = deploy(git, Receivers.BRANCH, "one").getString("revision");
            String second = deploy(git, Receivers.BRANCH, "two").getString("revision");
            for (String commit : List.of(first, second)) {
                List<String> states = await(forge[1], r -> r.path().contains("/statuses/" + commit), 2).stream()
                        .map(r -> r.json().path("state").asText()).toList();
                assertEquals(List.of("pending", "success"), states, forge[1] + " " + commit);
                String target = await(forge[1], r -> r.path().contains("/statuses/" + commit) && r.body().contains("success"), 1)
                        .get(0).json().path("target_url").asText();
                assertEquals("http://" + name + ".localhost", target);
            }
            await(forge[1], r -> r.method().equals("GET") && (r.path().contains("/comments") || r.path().contains("/notes")), 2);
            // The second deploy edits the comment the first one made: it names the new commit.
            await(forge[1], r -> edit(r) && r.body().contains(second.substring(0, 12)), 1);
            List<Receivers.Received> posted = Receivers.of(forge[1]).stream()
                    .filter(r -> r.method().equals("POST") && (r.path().contains("/comments") || r.path().contains("/notes"))).toList();
            assertEquals(1, posted.size(), forge[1] + ": one comment for two deploys: " + posted);
            assertTrue(posted.get(0).json().path("body").asText().contains("http://" + name + ".localhost"));
            assertTrue(posted.get(0).json().path("body").asText().contains("expires in"), posted.get(0).body());
            Api.succeeded(Api.stop(name));
            await(forge[1], r -> edit(r) && r.body().contains("ended (manual)"), 1);
            List<String> now = Receivers.comments(forge[1]);
            assertEquals(1, now.size(), forge[1] + ": still one comment: " + now);
            assertTrue(now.get(0).contains("ended (manual)"), now.get(0));
        }
        GitFixture git = sut.repo("team/fg");
        String failedCommit = null;
        git.branch("feature/bad").file("docker-compose.yml", "services:\n  web:\n    image: reviewenv-it/none:2\n    expose: [\"80\"]\n");
        failedCommit = git.commit("bad");
        Api.awaitJob(Api.startedJob(git.push("feature/bad")));
        String failedAt = failedCommit;
        await("gitea", r -> r.path().contains("/statuses/" + failedAt) && r.body().contains("failure"), 1);

        Instant start = Instant.now();
        JsonPath down = deploy(sut.repo("team/down"), "main", "down");
        assertEquals("succeeded", down.getString("status"), "a forge that is down fails nothing");
        assertTrue(Duration.between(start, Instant.now()).toSeconds() < 30, "nor slows the deploy");
    }
}
