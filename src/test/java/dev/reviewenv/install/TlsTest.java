package dev.reviewenv.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reviewenv.engine.traefik.RouteFiles;
import dev.reviewenv.naming.EnvironmentName;
import dev.reviewenv.testsupport.Cmd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS as an installed host serves it, for real: Traefik started with the static configuration
 * deploy/install.sh writes for a wildcard certificate (and its dynamic certificate file), a
 * certificate for {@code *.review.test} signed by a CA made here, an environment's route as
 * reviewenv writes it with TLS on, and curl checking the chain against that CA.
 */
class TlsTest {
    @TempDir
    Path dir;

    final String id = UUID.randomUUID().toString().substring(0, 8);
    final String network = "reviewenv-tls-" + id;
    final List<String> containers = new java.util.ArrayList<>();

    @AfterEach
    void tearDown() {
        containers.forEach(c -> Cmd.run(null, Map.of(), "docker", "rm", "-f", c));
        Cmd.run(null, Map.of(), "docker", "network", "rm", network);
    }

    @Test
    void anEnvironmentIsServedOverHttpsWithTheWildcardCertificateAndHttpIsRedirected() throws Exception {
        Path tls = Files.createDirectories(dir.resolve("tls"));
        Path ca = dir.resolve("ca.pem");
        Cmd.ok(dir, Map.of(), "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=reviewenv test CA",
                "-keyout", dir.resolve("ca.key").toString(), "-out", ca.toString());
        Cmd.ok(dir, Map.of(), "openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=*.review.test",
                "-keyout", tls.resolve("key.pem").toString(), "-out", dir.resolve("cert.csr").toString());
        Files.writeString(dir.resolve("san.ext"), "subjectAltName=DNS:*.review.test,DNS:review.test\n");
        Cmd.ok(dir, Map.of(), "openssl", "x509", "-req", "-in", dir.resolve("cert.csr").toString(), "-CA", ca.toString(),
                "-CAkey", dir.resolve("ca.key").toString(), "-CAcreateserial", "-days", "2", "-extfile",
                dir.resolve("san.ext").toString(), "-out", tls.resolve("cert.pem").toString());

        Path installer = Path.of("deploy/install.sh").toAbsolutePath();
        Path staticConfig = dir.resolve("traefik.yml");
        Files.writeString(staticConfig, Cmd.ok(null, Map.of(), "bash", installer.toString(), "--domain", "review.test",
                "--tls-cert", tls.resolve("cert.pem").toString(), "--tls-key", tls.resolve("key.pem").toString(),
                "--print", "traefik.yml"));
        Path dynamic = Files.createDirectories(dir.resolve("dynamic"));
        Files.writeString(dynamic.resolve("_tls.yml"), Cmd.ok(null, Map.of(), "bash", installer.toString(), "--domain",
                "review.test", "--print", "tls.yml"));
        // The route as reviewenv writes it when reviewenv.tls=true and the entry point is websecure.
        new RouteFiles(dynamic, List.of("websecure"), new RouteFiles.Tls(true, null))
                .write(EnvironmentName.of("tls-a"), "tls-a.review.test", "web.tls-a", 8080, List.of());

        Cmd.ok("docker", "network", "create", network);
        containers.add(Cmd.ok("docker", "run", "-d", "--init", "--network", network, "--network-alias", "web.tls-a",
                "reviewenv/busybox:local", "sh", "-c", "mkdir -p /www && echo secure-page > /www/index.html && exec httpd -f -p 8080 -h /www")
                .strip());
        String traefik = Cmd.ok("docker", "run", "-d", "--network", network, "-p", "127.0.0.1::80", "-p", "127.0.0.1::443",
                "-v", staticConfig + ":/etc/traefik/traefik.yml:ro", "-v", dynamic + ":/etc/traefik/dynamic:ro",
                "-v", tls + ":/etc/traefik/tls:ro", "-v", Files.createDirectories(dir.resolve("logs")) + ":/var/log/traefik",
                "reviewenv/traefik:local").strip();
        containers.add(traefik);
        String https = port(traefik, "443/tcp");
        String http = port(traefik, "80/tcp");

        Cmd.Out page = null;
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (Instant.now().isBefore(deadline)) {
            page = Cmd.run(null, Map.of(), "curl", "-sS", "--max-time", "5", "--cacert", ca.toString(),
                    "--resolve", "tls-a.review.test:" + https + ":127.0.0.1", "https://tls-a.review.test:" + https + "/");
            if (page.code() == 0 && page.text().contains("secure-page")) {
                break;
            }
            Thread.sleep(250);
        }
        assertTrue(page != null && page.code() == 0 && page.text().contains("secure-page"),
                "the environment over HTTPS, its certificate checked against the CA: " + (page == null ? "" : page.text())
                        + "\n" + Cmd.run(null, Map.of(), "docker", "logs", traefik).text());

        String redirect = Cmd.ok("curl", "-sS", "-o", "/dev/null", "-w", "%{http_code} %{redirect_url}", "--max-time", "5",
                "-H", "Host: tls-a.review.test", "http://127.0.0.1:" + http + "/some/page");
        assertEquals("301 https://tls-a.review.test/some/page", redirect.strip(), "http:// goes to https:// (permanently)");
    }

    static String port(String container, String port) {
        return Cmd.ok("docker", "port", container, port).lines().findFirst().orElseThrow().replaceAll(".*:", "").strip();
    }
}
