package dev.reviewenv.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Attempts on the channels the policy of part two did not see, as far as admission can tell them
 * (what needs a running neighbour, a test server or an operator's object is in {@link IsolationTest}):
 * paths judged from the base Compose really uses ({@code include} with {@code project_directory},
 * {@code extends} inside included files), keys Docker would only refuse at {@code up}, build
 * contexts that are no directory of the repository, bounds per environment, and the names
 * reviewenv keeps for itself. Each runs through a real deploy with both Composes ({@link EscapeSuite}).
 */
final class Isolation {
    private Isolation() {
    }

    static List<Escapes.Case> cases(Escapes.Host h) {
        List<Escapes.Case> c = new ArrayList<>();
        String ups = "../".repeat(40);
        String secret = h.secret().substring(1);
        String web = Escapes.WEB;
        // Paths from the base Compose uses: an included file's paths resolve against its project_directory.
        c.add(files("include: project_directory at the root, env_file climbing from there",
                "include:\n  - {path: deep/a/b/inc.yml, project_directory: .}\n" + web,
                "deep/a/b/inc.yml", "services:\n  inc:\n    image: reviewenv/busybox:local\n    env_file: ../../" + ups + secret + "\n",
                new Escapes.Refused("deep/a/b/inc.yml: services.inc.env_file")));
        c.add(files("include: project_directory elsewhere, label_file climbing from it",
                "include:\n  - {path: x/inc.yml, project_directory: y}\n" + web,
                "x/inc.yml", "services:\n  inc:\n    image: reviewenv/busybox:local\n    label_file: ../" + ups + secret + "\n",
                new Escapes.Refused("x/inc.yml: services.inc.label_file")));
        c.add(files("include: a project_directory outside the checkout",
                "include:\n  - {path: inc.yml, project_directory: " + ups + "etc}\n" + web,
                "inc.yml", "services:\n  inc:\n    image: reviewenv/busybox:local\n",
                new Escapes.Refused("include[0].project_directory")));
        c.add(files("include: an env_file for interpolation outside",
                "include:\n  - {path: inc.yml, env_file: " + ups + secret + "}\n" + web,
                "inc.yml", "services:\n  inc:\n    image: reviewenv/busybox:local\n",
                new Escapes.Refused("include[0].env_file")));
        c.add(files("include: extends inside an included file, relative to its project_directory",
                "include:\n  - {path: deep/inc.yml, project_directory: .}\n" + web,
                "deep/inc.yml", "services:\n  inc:\n    extends: {file: " + ups + "etc/x.yml, service: s}\n",
                new Escapes.Refused("deep/inc.yml: services.inc.extends.file")));
        c.add(files("extends: the extended file's env_file, relative to that file",
                web + "  side:\n    extends: {file: base/b.yml, service: b}\n",
                "base/b.yml", "services:\n  b:\n    image: reviewenv/busybox:local\n    env_file: ../" + ups + secret + "\n",
                new Escapes.Refused("base/b.yml: services.b.env_file")));
        Map<String, String> nested = new LinkedHashMap<>();
        nested.put("docker-compose.yml", "include: [one/inc.yml]\n" + web);
        nested.put("one/inc.yml", "include:\n  - {path: ../two/inc.yml, project_directory: ../two}\nservices:\n  one:\n    image: reviewenv/busybox:local\n");
        nested.put("two/inc.yml", "services:\n  two:\n    image: reviewenv/busybox:local\n    env_file: ../" + ups + secret + "\n");
        c.add(new Escapes.Case("include: nested, its env_file climbing from the inner project", nested, Map.of(),
                new Escapes.Refused("two/inc.yml: services.two.env_file")));
        c.add(new Escapes.Case("include: the included project's .env is a link out", Map.of("docker-compose.yml",
                "include: [sub/inc.yml]\n" + web, "sub/inc.yml", "services:\n  inc:\n    image: reviewenv/busybox:local\n"),
                Map.of("sub/.env", h.secret()), new Escapes.Refused("lead out of the checkout")));
        // What Docker would only refuse at up, refused before anything is made.
        c.add(Escapes.refused("sysctls of the host's kernel", web("    sysctls: {kernel.panic: \"1\"}\n"),
                "services.web.sysctls.kernel.panic"));
        c.add(Escapes.refused("sysctls, list form, the core pattern", web("    sysctls: [\"kernel.core_pattern=|/tmp/x\"]\n"),
                "kernel.core_pattern' is a setting of the host's kernel"));
        c.add(Escapes.refused("storage_opt", web("    storage_opt: {size: 1G}\n"), "services.web.storage_opt", "services.web.storage_opt"));
        String build = "services:\n  web:\n    init: true\n    expose: [\"8080\"]\n    build:\n";
        Map<String, String> dockerfile = Map.of("Dockerfile", "FROM reviewenv/busybox:local\n");
        c.add(buildCase("build context file://", build + "      context: file:///etc\n", dockerfile,
                new Escapes.Refused("services.web.build.context", "build")));
        c.add(buildCase("build context git@ with the host's keys", build + "      context: git@git.example.invalid:x/y.git\n", dockerfile,
                new Escapes.Refused("services.web.build.context", "build")));
        c.add(buildCase("build context ssh://", build + "      context: ssh://git@git.example.invalid/x/y.git\n", dockerfile,
                new Escapes.Refused("services.web.build.context", "build")));
        c.add(buildCase("additional_contexts file://", build + "      context: .\n      additional_contexts: {x: \"file:///etc\"}\n",
                dockerfile, new Escapes.Refused("services.web.build.additional_contexts.x", "unsupported option: 'additional_contexts'")));
        c.add(buildCase("additional_contexts of another service's image", build + "      context: .\n      additional_contexts: {x: \"service:side\"}\n"
                + "  side:\n    build: .\n", dockerfile,
                new Escapes.Refused("services.web.build.additional_contexts.x", "unsupported option: 'additional_contexts'")));
        // Bounds per environment.
        c.add(Escapes.refused("scale beyond the environment's containers", web("    scale: 21\n"), "21 containers (web × 21)",
                "21 containers (web × 21)"));
        c.add(Escapes.refused("replicas beyond the environment's containers", web("    deploy: {replicas: 30}\n"),
                "30 containers (web × 30)"));
        StringBuilder many = new StringBuilder(web);
        for (int i = 0; i < 5; i++) {
            many.append("  s").append(i).append(":\n    image: reviewenv/busybox:local\n    scale: 4\n");
        }
        c.add(Escapes.refused("many services, each within bounds, together beyond them", many.toString(), "21 containers"));
        // Names reviewenv keeps for itself.
        c.add(Escapes.refused("a network named like the build network", web("    networks: [reviewenv-build]\nnetworks:\n  reviewenv-build: {}\n"),
                "networks.reviewenv-build"));
        c.add(Escapes.refused("a network key under reviewenv's prefix", web("    networks: [reviewenvx]\nnetworks:\n  reviewenvx: {}\n"),
                "networks.reviewenvx"));
        c.add(Escapes.refused("a routed service whose name spells another environment's upstream",
                "services:\n  web.victim:\n    image: reviewenv/busybox:local\n    expose: [\"8080\"]\n", "services.web.victim: the routed service"));
        c.add(Escapes.refused("the default network named after another environment's", web("networks:\n  default: {name: victim_default}\n"),
                "networks.default.name"));
        c.add(Escapes.refused("a label under reviewenv's role", web("    labels: {dev.reviewenv.role: build}\n"),
                "services.web.labels.dev.reviewenv.role"));
        c.add(Escapes.refused("NET_RAW asked back", web("    cap_add: [NET_RAW]\n"), "services.web.cap_add"));
        // Rewrites that bound what runs: checked in docker inspect of what ran.
        c.add(new Escapes.Case("a log of 10 GB per file, a thousand files", Escapes.compose(web(
                "    logging: {driver: json-file, options: {max-size: 10g, max-file: \"1000\"}}\n")), Map.of(),
                new Escapes.Runs(containers -> {
                    JsonNode log = containers.get(0).at("/HostConfig/LogConfig");
                    assertEquals("json-file", log.at("/Type").asText());
                    assertEquals("10m", log.at("/Config/max-size").asText());
                    assertEquals("3", log.at("/Config/max-file").asText());
                })));
        c.add(new Escapes.Case("the local log driver without bounds", Escapes.compose(web("    logging: {driver: local}\n")), Map.of(),
                new Escapes.Runs(containers -> {
                    JsonNode log = containers.get(0).at("/HostConfig/LogConfig");
                    assertEquals("local", log.at("/Type").asText());
                    assertEquals("10m", log.at("/Config/max-size").asText());
                })));
        c.add(new Escapes.Case("pull_policy always on an image of the operator's", Escapes.compose(
                "services:\n  web:\n    image: " + h.sharedTag() + "\n    pull_policy: always\n    init: true\n"
                        + "    command: [\"httpd\", \"-f\", \"-p\", \"8080\", \"-h\", \"/\"]\n    expose: [\"8080\"]\n"), Map.of(),
                new Escapes.Runs(containers -> assertEquals(1, containers.size()))));
        c.add(new Escapes.Case("cap_drop of its own, NET_RAW still dropped", Escapes.compose(web("    cap_drop: [MKNOD]\n")), Map.of(),
                new Escapes.Runs(containers -> {
                    String drop = containers.get(0).at("/HostConfig/CapDrop").toString();
                    assertTrue(drop.contains("MKNOD") && drop.contains("NET_RAW"), drop);
                })));
        return c;
    }

    static String web(String extra) {
        return Escapes.web(extra);
    }

    private static Escapes.Case files(String title, String compose, String path, String content, Escapes.Outcome outcome) {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("docker-compose.yml", compose);
        files.put(path, content);
        return new Escapes.Case(title, files, Map.of(), outcome);
    }

    private static Escapes.Case buildCase(String title, String compose, Map<String, String> more, Escapes.Outcome outcome) {
        Map<String, String> files = new LinkedHashMap<>(more);
        files.put("docker-compose.yml", compose);
        return new Escapes.Case(title, files, Map.of(), outcome);
    }
}
