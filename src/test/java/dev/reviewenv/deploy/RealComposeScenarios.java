package dev.reviewenv.deploy;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reviewenv.testsupport.Api;
import dev.reviewenv.testsupport.Cmd;
import dev.reviewenv.testsupport.Docker;
import dev.reviewenv.testsupport.HostServices;
import dev.reviewenv.testsupport.ServiceUnderTest;
import dev.reviewenv.testsupport.Traefik;
import io.restassured.path.json.JsonPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A compose file as a team writes it, deployed as it is: host ports, fixed container names, binds of
 * a config file and a folder of the repository, a {@code .env}, the operator's variables (from the
 * properties and from a variables file) and a secret among them. What Docker runs is checked with
 * {@code docker inspect} and from inside the containers; the secret is looked for in every sink.
 * Run with Compose v2 and v1.
 */
abstract class RealComposeScenarios {
    /** The operator's secret, set in the test's configuration (see the subclasses). */
    static final String SECRET = "Sup3r-Secret-Value-7f1c";
    /** Another, from the operator's variables file. */
    static final String FILE_SECRET = "file-Secret-9d2e";

    @RegisterExtension
    final ServiceUnderTest sut = ServiceUnderTest.repository("team/app");

    static final String APP = """
            version: "3.8"
            services:
              web:
                image: reviewenv/busybox:local
                init: true
                container_name: shop-web
                restart: always
                ports: ["8080:8080", "127.0.0.1:9443:443"]
                command: ["sh", "-c", "mkdir -p /w && cat /conf/page.html /etc/app.conf > /w/index.html && echo $$GREETING >> /w/index.html && exec httpd -f -p 8080 -h /w"]
                environment:
                  GREETING: ${GREETING}
                  DB_PASSWORD: ${DB_PASSWORD}
                  API_KEY: ${API_KEY}
                  SELF: ${REVIEWENV_URL}
                  BRANCH: ${REVIEWENV_BRANCH}
                volumes:
                  - ./conf:/conf
                  - ./app.conf:/etc/app.conf:ro,z
                  - ./data/uploads:/uploads
              db:
                image: reviewenv/busybox:local
                init: true
                container_name: db
                command: ["sleep", "3600"]
            """;

    JsonPath push(String branch, Map<String, String> files) {
        sut.git().fresh(branch);
        files.forEach(sut.git()::file);
        sut.git().commit(branch);
        return Api.awaitJob(Api.startedJob(sut.git().push(branch)));
    }

    static JsonNode container(String env, String service) {
        return Docker.environment(env).stream().filter(c -> service.equals(c.at("/Config/Labels/com.docker.compose.service").asText()))
                .findFirst().orElseThrow(() -> new AssertionError("no container of " + service + " in " + env));
    }

    static Cmd.Out exec(JsonNode container, String script) {
        return Cmd.run(null, Map.of(), "docker", "exec", container.at("/Id").asText(), "sh", "-c", script);
    }

    @Test
    void aComposeFileAsTeamsWriteItRunsAsItIsAndSaysWhatWasAdapted() throws Exception {
        JsonPath job = push("feature/real", Map.of("docker-compose.yml", APP, "conf/page.html", "<h1>real app</h1>\n",
                "app.conf", "mode=review\n", ".env", "GREETING=hello-from-dotenv\nDB_PASSWORD=from-dotenv\nCOMPOSE_PROJECT_NAME=victim\n"));
        String output = job.getString("output");
        assertEquals("succeeded", job.getString("status"), output);
        String name = job.getString("environment");
        for (String line : List.of("policy: services.web.ports: not published, routed through Traefik",
                "policy: services.web.container_name: dropped; 'shop-web' is an alias",
                "policy: services.web.volumes[0]: ./conf is mounted read-only from the environment's checkout",
                "policy: services.web.volumes[1]: ./app.conf is mounted read-only from the environment's checkout; z dropped",
                "policy: services.web.volumes[2]: ./data/uploads is not in the repository",
                "policy: services.web.restart: 'always' rewritten to \"no\"",
                "policy: version: ignored",
                "policy: .env: 1 line(s) setting COMPOSE_* or DOCKER_* left out")) {
            assertTrue(output.contains(line), "the job log says: " + line + "\n" + output);
        }

        JsonNode web = container(name, "web");
        assertTrue(web.at("/HostConfig/PortBindings").isNull() || web.at("/HostConfig/PortBindings").isEmpty(),
                "nothing published on the host: " + web.at("/HostConfig/PortBindings"));
        assertNotEquals("/shop-web", web.at("/Name").asText(), "no fixed container name");
        int binds = 0;
        for (JsonNode m : web.at("/Mounts")) {
            if ("bind".equals(m.at("/Type").asText())) {
                binds++;
                assertFalse(m.at("/RW").asBoolean(), "read-only: " + m);
                assertTrue(m.at("/Source").asText().startsWith(sut.home().resolve(".reviewenv-workspaces").resolve(name).toString()),
                        "from the environment's checkout: " + m);
            }
        }
        assertEquals(2, binds, "the folder and the file");
        Cmd.Out write = exec(web, "echo x > /conf/new");
        assertNotEquals(0, write.code(), "a write to the bind fails");
        assertTrue(write.text().contains("Read-only file system"), write.text());
        assertEquals(0, exec(web, "echo kept > /uploads/file").code(), "what the repository does not have is a volume of its own");

        Cmd.Out env = exec(web, "env");
        assertTrue(env.text().contains("DB_PASSWORD=" + SECRET), "the operator's value wins over .env: " + env.text().replace(SECRET, "<secret>"));
        assertTrue(env.text().contains("API_KEY=" + FILE_SECRET), "the variables file's value arrived");
        assertTrue(env.text().contains("SELF=http://" + name + ".localhost"), "the environment knows its own address");
        assertTrue(env.text().contains("BRANCH=feature/real"));
        String page = Traefik.await(sut.traefikPort(), name + ".localhost", "hello-from-dotenv", Duration.ofSeconds(20)).body();
        assertTrue(page.contains("real app") && page.contains("mode=review"), page);

        // The other service reaches the old container name, on the environment's own network.
        Cmd.Out lookup = exec(container(name, "db"), "busybox nslookup shop-web 127.0.0.11");
        assertTrue(lookup.text().contains(web.at("/NetworkSettings/Networks").elements().next().at("/IPAddress").asText())
                || lookup.text().contains("Address:"), lookup.text());
        assertTrue(exec(web, "busybox nslookup db 127.0.0.11").text().contains("Name:\tdb"), "and the other way round");

        // The secret is in no job log, API answer, service log or file others can read.
        assertFalse(output.contains(SECRET) || output.contains(FILE_SECRET), "job output");
        String api = given().auth().oauth2(HostServices.TOKEN).get("/api/environments/" + name).then().statusCode(200).extract().asString()
                + given().auth().oauth2(HostServices.TOKEN).get("/api/environments").then().extract().asString()
                + given().auth().oauth2(HostServices.TOKEN).get("/api/jobs/" + job.getString("id")).then().extract().asString();
        assertFalse(api.contains(SECRET) || api.contains(FILE_SECRET), "API answers");
        assertNoReadableFileHolds(sut.home());
        String log = Files.readString(Path.of(ConfigProvider.getConfig().getValue("reviewenv-test.log", String.class)));
        assertFalse(log.contains(SECRET) || log.contains(FILE_SECRET), "service log");
    }

    @Test
    void aSecretAnAppPrintsWhenItFailsIsMaskedInTheJobLog() {
        JsonPath job = push("feature/leaky", Map.of("docker-compose.yml", """
                services:
                  web:
                    image: reviewenv/busybox:local
                    init: true
                    command: ["sh", "-c", "echo connecting with password $$DB_PASSWORD; exit 3"]
                    environment: {DB_PASSWORD: "${DB_PASSWORD}"}
                    expose: ["8080"]
                """));
        assertEquals("failed", job.getString("status"));
        String output = job.getString("output");
        assertTrue(output.contains("connecting with password ******"), "the app's line, masked:\n" + output);
        assertFalse(output.contains(SECRET), output);
    }

    @Test
    void whatTheUserMustProvideIsSaidAtOnce() {
        JsonPath job = push("feature/needs", Map.of("docker-compose.yml", """
                services:
                  web:
                    image: reviewenv/busybox:local
                    env_file: [.env.production]
                    expose: ["${WEB_PORT}"]
                """));
        assertEquals("failed", job.getString("status"));
        String output = job.getString("output");
        assertTrue(output.contains("services.web.env_file: '.env.production' is not in the repository"), output);
        JsonPath unset = push("feature/unset", Map.of("docker-compose.yml", """
                services:
                  web:
                    image: "reviewenv/busybox:${TAG}"
                    expose: ["8080"]
                """));
        assertEquals("failed", unset.getString("status"));
        assertTrue(unset.getString("output").contains("nothing sets TAG (Compose used an empty string)")
                && unset.getString("output").contains("reviewenv.repositories.\"team/app\".variables.TAG"), unset.getString("output"));
    }

    /** No file under {@code dir} that holds a secret can be read by anyone but its owner. */
    static void assertNoReadableFileHolds(Path dir) throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String text;
                try {
                    text = Files.readString(f);
                } catch (java.nio.charset.MalformedInputException | java.nio.file.AccessDeniedException binary) {
                    continue;
                }
                if (text.contains(SECRET) || text.contains(FILE_SECRET)) {
                    var perms = Files.getPosixFilePermissions(f);
                    assertFalse(perms.contains(PosixFilePermission.OTHERS_READ) || perms.contains(PosixFilePermission.GROUP_READ),
                            f + " holds a secret and is " + java.nio.file.attribute.PosixFilePermissions.toString(perms));
                }
            }
        }
    }
}
