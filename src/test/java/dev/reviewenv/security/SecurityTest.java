package dev.reviewenv.security;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reviewenv.testsupport.Api;
import dev.reviewenv.testsupport.Cmd;
import dev.reviewenv.testsupport.GitFixture;
import dev.reviewenv.testsupport.HostServices;
import dev.reviewenv.testsupport.ServiceUnderTest;
import dev.reviewenv.testsupport.Stack;
import dev.reviewenv.testsupport.Stacks;
import dev.reviewenv.testsupport.Traefik;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Hostile requests, webhooks and branch names against the running service, the real Docker
 * engine and a real Traefik (hostile compose files are {@link EscapeSuite}'s): each is refused with
 * the reason, and nothing is created.
 */
@QuarkusTest
@WithTestResource(value = HostServices.class, initArgs = @ResourceArg(name = "config", value = """
        reviewenv.repositories."team/hooks".webhook-secret=hook-secret-0123456789
        reviewenv.repositories."team/locked".basic-auth=review:$apr1$rvwsalt1$tDVKcPGHJqS9ZPdshPIHH1
        reviewenv.repositories."team/trusted".allow=ports
        """))
class SecurityTest {
    static final String SECRET = "hook-secret-0123456789";

    @RegisterExtension
    final ServiceUnderTest sut = ServiceUnderTest.repositories();

    /** A tag of the busybox image for a side service, removed after the test. */
    String sideTag() {
        String tag = "reviewenv-it/side:" + UUID.randomUUID().toString().substring(0, 8);
        sut.cleanUp("docker", "rmi", tag);
        return tag;
    }

    /** A repository of a name no other test uses: {@code name} and a random suffix. */
    GitFixture repo(String name) {
        return sut.repo(name + "-" + UUID.randomUUID().toString().substring(0, 4));
    }

    void assertNothingOf(String name) {
        assertEquals(List.of(), Stacks.leftovers(name), name);
        assertFalse(Files.exists(sut.home().resolve(".reviewenv").resolve(name)), name + " has no record");
        assertFalse(Files.exists(sut.home().resolve(".reviewenv-traefik/dynamic").resolve(name + ".yml")), name + " has no route");
    }

    @Test
    void aTrustedRepositoryGetsOnlyWhatItIsAllowedAndTheRelaxationIsLogged() throws Exception {
        GitFixture git = sut.repo("team/trusted");
        String image = "reviewenv-it/trusted:" + UUID.randomUUID().toString().substring(0, 6);
        Cmd.ok("docker", "tag", "reviewenv/busybox:local", image);
        git.branch("main").file("docker-compose.yml", """
                services:
                  web:
                    image: %s
                    init: true
                    command: ["httpd", "-f", "-p", "8080", "-h", "/"]
                    ports: ["127.0.0.1::8080"]
                    restart: always
                """.formatted(image));
        git.commit("ports");
        var job = Api.succeeded(Api.startedJob(git.push("main")));
        assertTrue(job.getString("output").contains("policy: allowed because team/trusted is trusted with 'ports'"), job.getString("output"));
        assertTrue(job.getString("output").contains("services.web.restart: 'always' rewritten to \"no\""), job.getString("output"));
        String recorded = Files.readString(sut.home().resolve(".reviewenv/main/docker-compose.yml"));
        assertTrue(recorded.contains("restart: 'no'") || recorded.contains("restart: \"no\""), recorded);
        assertTrue(Files.readString(Path.of(ConfigProvider.getConfig().getValue("reviewenv-test.log", String.class)))
                .contains("policy relaxed for team/trusted (ports)"));
        Api.succeeded(Api.stop("main"));
        assertNothingOf("main");
        Cmd.ok("docker", "rmi", image);
    }

    @Test
    void reviewUrlsCanBeProtectedWithBasicAuth() {
        GitFixture git = sut.repo("team/locked");
        String side = sideTag();
        Cmd.ok("docker", "tag", "reviewenv/busybox:local", side);
        git.branch("locked").file("docker-compose.yml", Stack.compose("web", side)).file("web/Dockerfile", Stack.dockerfile("secret page"));
        git.commit("locked");
        Api.succeeded(Api.startedJob(git.push("locked")));
        String host = "locked.localhost";
        var denied = Traefik.get(sut.traefikPort(), host, "/");
        for (int i = 0; i < 40 && denied.status() == 404; i++) {
            Api.sleep(250);
            denied = Traefik.get(sut.traefikPort(), host, "/");
        }
        assertEquals(401, denied.status(), "without credentials: " + denied.body());
        String basic = Base64.getEncoder().encodeToString("review:s3cret-pass".getBytes(StandardCharsets.UTF_8));
        var ok = Traefik.getWith(sut.traefikPort(), host, "/", "Authorization: Basic " + basic);
        assertEquals(200, ok.status(), ok.body());
        assertTrue(ok.body().contains("secret page"));
        String wrong = Base64.getEncoder().encodeToString("review:guess".getBytes(StandardCharsets.UTF_8));
        assertEquals(401, Traefik.getWith(sut.traefikPort(), host, "/", "Authorization: Basic " + wrong).status());
    }

    // --- webhooks

    static String hmac(String secret, String body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    }

    static String githubPush(String repo, String ref, String after) {
        return """
                {"ref":"%s","before":"%s","after":"%s","deleted":%s,"repository":{"full_name":"%s"}}"""
                .formatted(ref, "0".repeat(40), after, after.equals("0".repeat(40)), repo);
    }

    Response webhook(String provider, Map<String, String> headers, String body) {
        RequestSpecification r = given().contentType(ContentType.JSON).body(body);
        headers.forEach(r::header);
        return r.post("/api/webhooks/" + provider);
    }

    @Test
    void webhooksNeedTheRepositorysSignatureAndABadOneChangesNothing() throws Exception {
        GitFixture git = sut.repo("team/hooks");
        git.env("REVIEWENV_TOKEN", "");
        String side = sideTag();
        Cmd.ok("docker", "tag", "reviewenv/busybox:local", side);
        git.branch("hooked").file("docker-compose.yml", Stack.compose("web", side)).file("web/Dockerfile", Stack.dockerfile("hooked"));
        String sha = git.commit("hooked");
        assertTrue(git.push("hooked").contains("REVIEWENV_TOKEN is not set"), "the hook is silent here; the webhook does it");

        String body = githubPush("team/hooks", "refs/heads/hooked", sha);
        webhook("github", Map.of("X-GitHub-Event", "push", "X-Hub-Signature-256", "sha256=" + hmac("wrong-secret", body)), body)
                .then().statusCode(401).body("error", equalTo("unauthorized")).body("detail", containsString("X-Hub-Signature-256"));
        webhook("github", Map.of("X-GitHub-Event", "push"), body).then().statusCode(401).body("detail", containsString("missing"));
        webhook("github", Map.of("X-GitHub-Event", "push", "X-Hub-Signature-256", "sha256=" + hmac(SECRET, body + " ")), body)
                .then().statusCode(401);
        assertFalse(Files.exists(sut.home().resolve(".reviewenv/hooked")), "a refused delivery starts nothing");
        given().auth().oauth2(HostServices.TOKEN).get("/api/environments/hooked").then().statusCode(404);

        String job = webhook("github", Map.of("X-GitHub-Event", "push", "X-Hub-Signature-256", "sha256=" + hmac(SECRET, body)), body)
                .then().statusCode(202).body("environment", equalTo("hooked")).extract().jsonPath().getString("job");
        Api.succeeded(job);
        String deleted = githubPush("team/hooks", "refs/heads/hooked", "0".repeat(40));
        String stop = webhook("github", Map.of("X-GitHub-Event", "push", "X-Hub-Signature-256", "sha256=" + hmac(SECRET, deleted)), deleted)
                .then().statusCode(202).body("action", equalTo("stop")).extract().jsonPath().getString("job");
        Api.succeeded(stop);
        assertNothingOf("hooked");

        String ping = "{\"zen\":\"hi\",\"repository\":{\"full_name\":\"team/hooks\"}}";
        webhook("github", Map.of("X-GitHub-Event", "ping", "X-Hub-Signature-256", "sha256=" + hmac(SECRET, ping)), ping)
                .then().statusCode(200).body("ignored", equalTo(true));
        String tag = githubPush("team/hooks", "refs/tags/v1", sha);
        webhook("github", Map.of("X-GitHub-Event", "push", "X-Hub-Signature-256", "sha256=" + hmac(SECRET, tag)), tag)
                .then().statusCode(200).body("ignored", equalTo(true));
        String other = githubPush("team/other", "refs/heads/x", sha);
        webhook("github", Map.of("X-GitHub-Event", "push", "X-Hub-Signature-256", "sha256=" + hmac(SECRET, other)), other)
                .then().statusCode(403).body("detail", containsString("not configured for webhooks"));
        // The signature is checked before the body is parsed: an unsigned body is refused unread, a signed one that is not JSON is a 400.
        webhook("github", Map.of("X-GitHub-Event", "push"), "{not json").then().statusCode(401).body("detail", containsString("missing"));
        webhook("github", Map.of("X-GitHub-Event", "push", "X-Hub-Signature-256", "sha256=" + hmac("wrong", "{not json")), "{not json")
                .then().statusCode(401).body("detail", containsString("any repository"));
        webhook("github", Map.of("X-GitHub-Event", "push", "X-Hub-Signature-256", "sha256=" + hmac(SECRET, "{not json")), "{not json")
                .then().statusCode(400).body("detail", containsString("not JSON"));
        webhook("bitbucket", Map.of(), body).then().statusCode(404).body("detail", containsString("github, gitea or gitlab"));

        // Gitea: HMAC without prefix; a branch deletion is its own event.
        String gitea = """
                {"ref":"refs/heads/hooked","before":"%s","after":"%s","repository":{"full_name":"team/hooks"}}"""
                .formatted("0".repeat(40), sha);
        webhook("gitea", Map.of("X-Gitea-Event", "push", "X-Gitea-Signature", hmac("nope", gitea)), gitea).then().statusCode(401);
        Cmd.ok("docker", "tag", "reviewenv/busybox:local", side);
        Api.succeeded(webhook("gitea", Map.of("X-Gitea-Event", "push", "X-Gitea-Signature", hmac(SECRET, gitea)), gitea)
                .then().statusCode(202).extract().jsonPath().getString("job"));
        String giteaDelete = "{\"ref\":\"hooked\",\"ref_type\":\"branch\",\"repository\":{\"full_name\":\"team/hooks\"}}";
        Api.succeeded(webhook("gitea", Map.of("X-Gitea-Event", "delete", "X-Gitea-Signature", hmac(SECRET, giteaDelete)), giteaDelete)
                .then().statusCode(202).body("action", equalTo("stop")).extract().jsonPath().getString("job"));
        assertNothingOf("hooked");

        // GitLab: the secret token itself.
        String gitlab = """
                {"ref":"refs/heads/hooked","before":"%s","after":"%s","project":{"path_with_namespace":"team/hooks"}}"""
                .formatted("0".repeat(40), sha);
        webhook("gitlab", Map.of("X-Gitlab-Event", "Push Hook", "X-Gitlab-Token", "guess"), gitlab).then().statusCode(401);
        Cmd.ok("docker", "tag", "reviewenv/busybox:local", side);
        Api.succeeded(webhook("gitlab", Map.of("X-Gitlab-Event", "Push Hook", "X-Gitlab-Token", SECRET), gitlab)
                .then().statusCode(202).extract().jsonPath().getString("job"));

        String log = Files.readString(Path.of(ConfigProvider.getConfig().getValue("reviewenv-test.log", String.class)));
        assertFalse(log.contains(SECRET), "the webhook secret is never logged");
        assertFalse(log.contains(HostServices.TOKEN), "the API token is never logged");
    }

    // --- requests

    Response push(String body) {
        return given().auth().oauth2(HostServices.TOKEN).contentType(ContentType.JSON).body(body).post("/api/push");
    }

    @Test
    void hostileRequestsGetA4xxThatSaysWhatWasWrong() {
        String sha = "1".repeat(40);
        push("{\"repository\":\"team/x\",\"ref\":\"refs/heads/a\",\"after\":\"" + sha + "\",\"admin\":true}")
                .then().statusCode(400).body("detail", containsString("unknown field 'admin'"));
        push("{\"ref\":\"refs/heads/a\",\"after\":\"" + sha + "\"}").then().statusCode(422).body("detail", containsString("repository is missing"));
        push("{\"repository\":\"team/x\",\"after\":\"" + sha + "\"}").then().statusCode(422).body("detail", containsString("ref is missing"));
        push("[1,2,3]").then().statusCode(400);
        push("{\"repository\":\"team/x\"} trailing").then().statusCode(400);
        push("x".repeat(2_000_000)).then().statusCode(413).body("error", equalTo("payload too large"));
        GitFixture git = repo("team/req");
        String name = git.bare().getParent().getFileName() + "/" + git.bare().getFileName().toString().replace(".git", "");
        push("{\"repository\":\"" + name + "\",\"ref\":\"refs/tags/v1\",\"after\":\"" + sha + "\"}").then().statusCode(422)
                .body("error", equalTo("not a branch"));
        push("{\"repository\":\"" + name + "\",\"ref\":\"refs/heads/a\",\"after\":\"HEAD\"}").then().statusCode(422)
                .body("detail", containsString("40-character commit id"));
        push("{\"repository\":\"" + name + "\",\"ref\":\"refs/heads/a\",\"after\":\"" + sha + "\",\"options\":{\"lifetime\":\"forever\"}}")
                .then().statusCode(422).body("detail", containsString("push option lifetime"));
        push("{\"repository\":\"" + name + "\",\"ref\":\"refs/heads/a\",\"after\":\"" + sha + "\",\"options\":{\"privileged\":\"1\"}}")
                .then().statusCode(422).body("detail", containsString("not known"));
        push("{\"repository\":\"" + sut.gitRoot() + "/../../etc\",\"ref\":\"refs/heads/a\",\"after\":\"" + sha + "\"}").then().statusCode(404);
        push("{\"repository\":\"" + name + "\",\"ref\":\"refs/heads/a\\u0000b\",\"after\":\"" + sha + "\"}").then().statusCode(422);

        given().header("Authorization", "Bearer " + HostServices.TOKEN + "x").get("/api/environments").then().statusCode(401);
        given().header("Authorization", "Basic " + HostServices.TOKEN).get("/api/environments").then().statusCode(401);
        given().queryParam("token", HostServices.TOKEN).get("/api/environments").then().statusCode(401);
        given().auth().oauth2(HostServices.TOKEN).get("/api/environments/..%2F..%2Fetc%2Fpasswd").then().statusCode(404);
        given().auth().oauth2(HostServices.TOKEN).get("/api/jobs/..%2F..%2F").then().statusCode(404);
    }

    @Test
    void aBranchWhoseNameIsTakenGetsASuffixAndNeverReplacesTheOther() {
        GitFixture git = repo("team/twins");
        String repository = sut.gitRoot().relativize(git.bare()).toString().replaceFirst("\\.git$", "");
        String side = sideTag();
        List<String> names = new java.util.ArrayList<>();
        for (String branch : List.of("twin/foo", "twin.foo")) {
            Cmd.ok("docker", "tag", "reviewenv/busybox:local", side);
            git.branch(branch).file("docker-compose.yml", Stack.compose("web", side)).file("web/Dockerfile", Stack.dockerfile(branch));
            git.commit(branch);
            names.add(Api.succeeded(Api.startedJob(git.push(branch))).getString("environment"));
        }
        assertEquals("twin-foo", names.get(0));
        assertTrue(names.get(1).matches("twin-foo-[0-9a-f]{6}"), names.toString());
        assertEquals(200, Traefik.await(sut.traefikPort(), "twin-foo.localhost", "twin/foo", Duration.ofSeconds(20)).status());
        assertEquals(200, Traefik.await(sut.traefikPort(), names.get(1) + ".localhost", "twin.foo", Duration.ofSeconds(20)).status());
        given().auth().oauth2(HostServices.TOKEN).get("/api/environments/" + names.get(1)).then().statusCode(200)
                .body("branch", equalTo("twin.foo")).body("repository", equalTo(repository));
    }

    @Test
    void branchNamesOfEveryShapeDeployAsValidNamesAndNeverInjectIntoTraefik() {
        GitFixture git = repo("team/names");
        String side = sideTag();
        for (String branch : List.of("{{.Env.HOME}}", "UPPER/Ünïcödé-" + "x".repeat(80))) {
            Cmd.ok("docker", "tag", "reviewenv/busybox:local", side);
            git.branch(branch).file("docker-compose.yml", Stack.compose("web", side)).file("web/Dockerfile", Stack.dockerfile(branch));
            git.commit("odd");
            var job = Api.succeeded(Api.startedJob(git.push(branch)));
            String name = job.getString("environment");
            assertTrue(name.matches("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?"), name);
            String route = Cmd.ok("cat", sut.home().resolve(".reviewenv-traefik/dynamic").resolve(name + ".yml").toString());
            assertFalse(route.contains("{{"), route);
            assertEquals(200, Traefik.await(sut.traefikPort(), name + ".localhost", "", Duration.ofSeconds(20)).status());
            Api.succeeded(Api.stop(name));
            assertNothingOf(name);
        }
    }
}
