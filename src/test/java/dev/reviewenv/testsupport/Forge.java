package dev.reviewenv.testsupport;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The people on the test's forge ({@link HostServices}'s {@code forge}): a work tree whose commits
 * are pushed to the forge's bare repository under any ref (a branch, a pull request's head), and
 * the forge's signed webhook deliveries to the service.
 */
public final class Forge {
    private static final Map<String, String> WHO = Map.of("GIT_AUTHOR_NAME", "t", "GIT_AUTHOR_EMAIL", "t@x",
            "GIT_COMMITTER_NAME", "t", "GIT_COMMITTER_EMAIL", "t@x");
    private final Path work;
    private final String secret;

    /** A work tree in {@code work} (empty), and the webhook secret deliveries are signed with. */
    public Forge(Path work, String secret) {
        this.work = work;
        this.secret = secret;
        Cmd.ok("git", "init", "-q", "-b", "main", work.toString());
    }

    /** Writes {@code files} (path to content) and commits them; the commit id. */
    public String commit(Map<String, String> files) {
        try {
            for (Map.Entry<String, String> f : files.entrySet()) {
                Path file = work.resolve(f.getKey());
                Files.createDirectories(file.getParent());
                Files.writeString(file, f.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Cmd.ok(work, Map.of(), "git", "add", ".");
        Cmd.ok(work, WHO, "git", "commit", "-q", "-m", "commit " + files.keySet());
        return Cmd.ok(work, Map.of(), "git", "rev-parse", "HEAD").strip();
    }

    /** Puts the work tree's HEAD at {@code ref} of the forge's repository ({@code refs/heads/x}, {@code refs/pull/7/head}). */
    public void push(String ref) {
        Cmd.ok(work, Map.of(), "git", "push", "-q", "-f", HostServices.forgeRepository().toString(), "HEAD:" + ref);
    }

    /** Removes {@code ref} from the forge's repository. */
    public void delete(String ref) {
        Cmd.ok(work, Map.of(), "git", "push", "-q", HostServices.forgeRepository().toString(), ":" + ref);
    }

    /** Delivers a GitHub webhook of {@code event} with {@code body}, signed as GitHub signs it. */
    public Response github(String event, String body) {
        return given().contentType(ContentType.JSON).header("X-GitHub-Event", event)
                .header("X-Hub-Signature-256", "sha256=" + hmac(secret, body)).body(body).post("/api/webhooks/github");
    }

    /** Delivers a Gitea webhook of {@code event}, signed as Gitea signs it. */
    public Response gitea(String event, String body) {
        return given().contentType(ContentType.JSON).header("X-Gitea-Event", event).header("X-Gitea-Signature", hmac(secret, body))
                .body(body).post("/api/webhooks/gitea");
    }

    /** Delivers a GitLab webhook of {@code event}, with the secret token GitLab sends. */
    public Response gitlab(String event, String body) {
        return given().contentType(ContentType.JSON).header("X-Gitlab-Event", event).header("X-Gitlab-Token", secret).body(body)
                .post("/api/webhooks/gitlab");
    }

    public static String hmac(String secret, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
