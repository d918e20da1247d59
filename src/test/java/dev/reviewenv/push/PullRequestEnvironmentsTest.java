package dev.reviewenv.push;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reviewenv.testsupport.Api;
import dev.reviewenv.testsupport.Docker;
import dev.reviewenv.testsupport.Forge;
import dev.reviewenv.testsupport.HostServices;
import dev.reviewenv.testsupport.ServiceUnderTest;
import dev.reviewenv.testsupport.Traefik;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A preview per pull request, from GitHub's documented {@code pull_request} payloads against a real
 * smart-HTTP forge: opened runs {@code pr-<n>}, synchronize updates it in place, closed ends it
 * ({@code pr-closed}); a fork's request is cancelled until it carries the fork label, then runs
 * without the repository's variables or trusted rules (as {@code docker inspect} shows), and ends
 * when the label goes. Gitea's and GitLab's events run the same lifecycle.
 */
@QuarkusTest
@WithTestResource(value = HostServices.class, initArgs = {
        @ResourceArg(name = "forge", value = "team/prs|x-access-token|ghs_pr-token-3Kd9"),
        @ResourceArg(name = "config", value = """
                reviewenv.repositories."team/prs".webhook-secret=pr-hook-secret-17
                reviewenv.repositories."team/prs".environments-for=pull-requests
                reviewenv.repositories."team/prs".variables.SHOP_SECRET=Operator-Only-Value-58
                reviewenv.repositories."team/prs".allow=net-raw
                """)})
class PullRequestEnvironmentsTest {
    static final String SECRET_VALUE = "Operator-Only-Value-58";

    @RegisterExtension
    final ServiceUnderTest sut = ServiceUnderTest.repositories();

    @TempDir
    Path work;
    Forge forge;

    @BeforeEach
    void setUp() {
        forge = new Forge(work, "pr-hook-secret-17");
    }

    /** A page saying {@code page}, and the value the service sees for the operator's variable. */
    static Map<String, String> app(String page) {
        return Map.of("docker-compose.yml", """
                services:
                  web:
                    build: ./web
                    init: true
                    expose: ["8080"]
                    environment:
                      SEEN: "${SHOP_SECRET:-none}"
                    volumes: ["data:/data"]
                volumes:
                  data: {}
                x-reviewenv:
                  seed: {from: main, volumes: [data]}
                """, "web/Dockerfile", """
                FROM reviewenv/busybox:local
                RUN mkdir -p /www && echo '%s' > /www/index.html
                CMD ["httpd", "-f", "-p", "8080", "-h", "/www"]
                """.formatted(page));
    }

    static String event(String action, int number, String sha, String headRepo, String... labels) {
        List<String> named = new ArrayList<>();
        for (String l : labels) {
            named.add("{\"name\":\"" + l + "\"}");
        }
        return """
                {"action":"%s","number":%d,"pull_request":{"number":%d,"state":"%s","labels":[%s],
                 "head":{"sha":"%s","ref":"topic","repo":{"full_name":"%s"}},"base":{"ref":"main","repo":{"full_name":"team/prs"}}},
                 "repository":{"full_name":"team/prs"}}""".formatted(action, number, number, action.equals("closed") ? "closed" : "open",
                String.join(",", named), sha, headRepo);
    }

    JsonPath deliver(String body) {
        return forge.github("pull_request", body).then().statusCode(202).extract().jsonPath();
    }

    static String seen(String environment) {
        for (JsonNode c : Docker.environment(environment)) {
            for (JsonNode env : c.path("Config").path("Env")) {
                if (env.asText().startsWith("SEEN=")) {
                    return env.asText().substring("SEEN=".length());
                }
            }
        }
        throw new AssertionError("no container of " + environment + " has SEEN");
    }

    /** Whether the environment's containers run without NET_RAW (what the repository's trusted net-raw rule keeps). */
    static boolean netRawDropped(String environment) {
        for (JsonNode c : Docker.environment(environment)) {
            for (JsonNode cap : c.path("HostConfig").path("CapDrop")) {
                if (cap.asText().equals("NET_RAW") || cap.asText().equals("CAP_NET_RAW")) {
                    return true;
                }
            }
        }
        return false;
    }

    @Test
    void aRequestOfTheRepositoryRunsAsPrNIsUpdatedByNewCommitsAndEndsWhenClosed() throws Exception {
        String first = forge.commit(app("first of seven"));
        forge.push("refs/pull/7/head");
        JsonPath opened = deliver(event("opened", 7, first, "team/prs"));
        assertEquals("pr-7", opened.getString("environment"));
        String log = Api.succeeded(opened.getString("job")).getString("output");
        assertTrue(log.contains("seed: team/prs main has no environment; data starts empty"), "its own request is seeded: " + log);
        assertEquals(200, Traefik.await(sut.traefikPort(), "pr-7.localhost", "first of seven", Duration.ofSeconds(20)).status());
        assertEquals(SECRET_VALUE, seen("pr-7"), "the repository's own request gets its variables");
        assertTrue(!netRawDropped("pr-7"), "and its trusted rules (net-raw)");

        String second = forge.commit(app("second of seven"));
        forge.push("refs/pull/7/head");
        Api.succeeded(deliver(event("synchronize", 7, second, "team/prs")).getString("job"));
        assertEquals(200, Traefik.await(sut.traefikPort(), "pr-7.localhost", "second of seven", Duration.ofSeconds(20)).status());
        io.restassured.RestAssured.given().auth().oauth2(HostServices.TOKEN).get("/api/environments/pr-7").then().statusCode(200)
                .body("commit", equalTo(second)).body("ref", equalTo("refs/pull/7/head"));

        // A push is nothing to do here: the repository has environments for pull requests only.
        forge.github("push", """
                {"ref":"refs/heads/topic","before":"%s","after":"%s","repository":{"full_name":"team/prs"}}"""
                .formatted("0".repeat(40), second)).then().statusCode(200).body("ignored", equalTo(true));

        JsonPath closed = deliver(event("closed", 7, second, "team/prs"));
        assertEquals("stop", closed.getString("action"));
        Api.succeeded(closed.getString("job"));
        assertEquals(List.of(), Api.environments());
        assertTrue(Files.readString(sut.home().resolve(".reviewenv/.endings.jsonl")).contains("\"name\":\"pr-7\",\"reason\":\"pr-closed\""),
                "ended with reason pr-closed");
    }

    @Test
    void aForksRequestWaitsForTheLabelRunsWithoutTheRepositorysVariablesAndEndsWhenTheLabelGoes() throws Exception {
        String sha = forge.commit(app("from a fork"));
        forge.push("refs/pull/8/head");
        JsonPath waiting = deliver(event("opened", 8, sha, "stranger/prs"));
        JsonPath job = Api.awaitJob(waiting.getString("job"));
        assertEquals("cancelled", job.getString("status"), job.getString("output"));
        assertTrue(job.getString("error").contains("adds the label 'preview'"), job.getString("error"));
        assertEquals(List.of(), Docker.environment("pr-8"), "nothing ran");

        String log = Api.succeeded(deliver(event("labeled", 8, sha, "stranger/prs", "preview")).getString("job")).getString("output");
        assertTrue(log.contains("seed: this environment runs a fork's code, which is not handed the data of main's environment;"
                + " its volumes start empty"), log);
        assertEquals(200, Traefik.await(sut.traefikPort(), "pr-8.localhost", "from a fork", Duration.ofSeconds(20)).status());
        assertEquals("none", seen("pr-8"), "a fork's code never gets the repository's variables");
        assertTrue(netRawDropped("pr-8"), "nor its trusted rules: NET_RAW is dropped as for any branch");

        JsonPath unlabeled = deliver(event("unlabeled", 8, sha, "stranger/prs"));
        assertEquals("stop", unlabeled.getString("action"));
        Api.succeeded(unlabeled.getString("job"));
        assertEquals(List.of(), Api.environments());
        assertEquals(List.of(), Docker.environment("pr-8"));
        forge.github("pull_request", event("opened", 9, sha, "team/prs").replace("\"number\":9", "\"number\":0")).then()
                .statusCode(400).body("detail", containsString("number"));
    }

    @Test
    void giteaAndGitLabRequestsLiveTheSameLife() throws Exception {
        String one = forge.commit(app("gitea request"));
        forge.push("refs/pull/21/head");
        String gitea = event("opened", 21, one, "team/prs");
        JsonPath opened = forge.gitea("pull_request", gitea).then().statusCode(202).extract().jsonPath();
        assertEquals("pr-21", opened.getString("environment"));
        Api.succeeded(opened.getString("job"));
        assertEquals(200, Traefik.await(sut.traefikPort(), "pr-21.localhost", "gitea request", Duration.ofSeconds(20)).status());
        Api.succeeded(forge.gitea("pull_request", event("closed", 21, one, "team/prs")).then().statusCode(202).extract()
                .jsonPath().getString("job"));

        String two = forge.commit(app("gitlab request"));
        forge.push("refs/merge-requests/22/head");
        JsonPath mr = forge.gitlab("Merge Request Hook", gitlab("open", "opened", two, "")).then().statusCode(202).extract()
                .jsonPath();
        assertEquals("pr-22", mr.getString("environment"));
        Api.succeeded(mr.getString("job"));
        String three = forge.commit(app("gitlab update"));
        forge.push("refs/merge-requests/22/head");
        Api.succeeded(forge.gitlab("Merge Request Hook", gitlab("update", "opened", three, ",\"oldrev\":\"" + two + "\""))
                .then().statusCode(202).extract().jsonPath().getString("job"));
        assertEquals(200, Traefik.await(sut.traefikPort(), "pr-22.localhost", "gitlab update", Duration.ofSeconds(20)).status());
        JsonPath merged = forge.gitlab("Merge Request Hook", gitlab("merge", "merged", three, "")).then().statusCode(202).extract()
                .jsonPath();
        assertEquals("stop", merged.getString("action"));
        Api.succeeded(merged.getString("job"));
        assertEquals(List.of(), Api.environments());
    }

    static String gitlab(String action, String state, String sha, String extra) {
        return """
                {"object_kind":"merge_request","project":{"path_with_namespace":"team/prs"},
                 "object_attributes":{"iid":22,"action":"%s","state":"%s","source_project_id":5,"target_project_id":5,
                  "last_commit":{"id":"%s"}%s},"labels":[]}""".formatted(action, state, sha, extra);
    }
}
