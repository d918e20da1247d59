package dev.reviewenv.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What an attacker who can push would try, one branch each: escapes to the host, into another
 * environment, or past the policy by interpolation, coercion, {@code include}, {@code extends},
 * profiles, {@code .env}, symbolic links and bombs. Each case says what must come of it: refused
 * (with the text the job's output must hold), or deployed with what Docker runs checked.
 */
final class Escapes {
    private Escapes() {
    }

    /** What the host holds for the cases to aim at. */
    record Host(String target, String markerDir, String sharedTag) {
        String secret() {
            return markerDir + "/secret";
        }
    }

    /** How a case must end: refused, or deployed and then checked in Docker. */
    sealed interface Outcome permits Refused, Runs {
    }

    /**
     * Refused; the output names {@code v2}, or {@code v1} with Compose v1, whose own reading refuses
     * first what it does not support.
     */
    record Refused(String v2, String v1) implements Outcome {
        Refused(String both) {
            this(both, both);
        }
    }

    /** Deployed; {@code check} gets the environment's containers as {@code docker inspect} shows them. */
    record Runs(Consumer<List<JsonNode>> check) implements Outcome {
    }

    record Case(String title, Map<String, String> files, Map<String, String> links, Outcome outcome) {
        @Override
        public String toString() {
            return title;
        }
    }

    static final String WEB = """
            services:
              web:
                image: reviewenv/busybox:local
                init: true
                command: ["httpd", "-f", "-p", "8080", "-h", "/"]
                expose: ["8080"]
            """;

    /** The web service with {@code extra} lines under it (indented by four). */
    static String web(String extra) {
        return WEB + extra;
    }

    static Map<String, String> compose(String text) {
        return Map.of("docker-compose.yml", text);
    }

    static Case refused(String title, String compose, String v2, String v1) {
        return new Case(title, compose(compose), Map.of(), new Refused(v2, v1));
    }

    static Case refused(String title, String compose, String both) {
        return new Case(title, compose(compose), Map.of(), new Refused(both));
    }

    static List<Case> cases(Host h) {
        List<Case> c = new ArrayList<>();
        String ups = "../".repeat(40);
        String up = "a/".repeat(40) + ups;
        // The API socket and every namespace form, written plainly, interpolated and coerced.
        c.add(refused("use_api_socket", web("    use_api_socket: true\n"), "services.web.use_api_socket", "'use_api_socket'"));
        c.add(refused("pid interpolated to host", web("    pid: \"${P:-host}\"\n"), "services.web.pid"));
        c.add(refused("pid of a foreign container", web("    pid: \"container:" + h.target() + "\"\n"), "services.web.pid"));
        c.add(refused("ipc host", web("    ipc: host\n"), "services.web.ipc"));
        c.add(refused("ipc of a foreign container", web("    ipc: \"container:" + h.target() + "\"\n"), "services.web.ipc"));
        c.add(refused("uts host", web("    uts: host\n"), "services.web.uts", "'uts'"));
        c.add(refused("userns_mode host", web("    userns_mode: host\n"), "services.web.userns_mode"));
        c.add(refused("cgroup host", web("    cgroup: host\n"), "services.web.cgroup", "'cgroup'"));
        c.add(refused("network_mode host", web("    network_mode: host\n"), "services.web.network_mode"));
        c.add(refused("network_mode of a foreign container", web("    network_mode: \"container:" + h.target() + "\"\n"),
                "services.web.network_mode"));
        c.add(refused("network_mode bridge on a side service", WEB + "  side:\n    image: reviewenv/busybox:local\n"
                + "    network_mode: \"${NM:-bridge}\"\n", "services.side.network_mode"));
        c.add(refused("privileged interpolated and coerced", web("    privileged: \"${PRIV:-true}\"\n"), "services.web.privileged"));
        c.add(refused("cap_add", web("    cap_add: [SYS_ADMIN]\n"), "services.web.cap_add"));
        c.add(refused("devices", web("    devices: [\"/dev/null:/dev/host-null\"]\n"), "services.web.devices"));
        c.add(refused("device_cgroup_rules", web("    device_cgroup_rules: [\"c 1:3 mr\"]\n"), "services.web.device_cgroup_rules"));
        c.add(refused("gpus", web("    gpus: all\n"), "services.web.gpus", "'gpus'"));
        c.add(refused("seccomp unconfined", web("    security_opt: [\"seccomp:unconfined\"]\n"), "services.web.security_opt"));
        c.add(refused("apparmor unconfined", web("    security_opt: [\"apparmor=unconfined\"]\n"), "services.web.security_opt"));
        c.add(refused("runtime", web("    runtime: runc\n"), "services.web.runtime"));
        c.add(refused("cgroup_parent", web("    cgroup_parent: /system.slice\n"), "services.web.cgroup_parent"));
        c.add(refused("oom_score_adj below zero", web("    oom_score_adj: -1000\n"), "services.web.oom_score_adj"));
        // Every mount form.
        c.add(refused("bind of the root", web("    volumes: [\"/:/host\"]\n"), "services.web.volumes[0]"));
        c.add(refused("bind of the host's kernel interfaces", web("    volumes: [\"/sys:/host-sys:ro\"]\n"), "services.web.volumes[0]"));
        c.add(refused("bind of Docker's data, read-only", web("    volumes: [\"/var/lib/docker:/d:ro\"]\n"), "services.web.volumes[0]"));
        // A path of the host for data is never mounted: a volume of the environment's own stands for a
        // writable one, a read-only one is dropped; what the container then sees is checked.
        c.add(new Case("bind of the host's /etc, long form", compose(web("    volumes:\n      - {type: bind, source: /etc, target: /h}\n")),
                Map.of(), new Runs(containers -> assertVolumeAt(containers.get(0), "/h"))));
        c.add(new Case("bind interpolated to the home of the host", compose(web("    volumes: [\"${HOME:-/root}:/h\"]\n")), Map.of(),
                new Runs(containers -> assertVolumeAt(containers.get(0), "/h"))));
        c.add(new Case("a writable bind of the host's directory, written at start", compose(WEB.replace(
                "command: [\"httpd\", \"-f\", \"-p\", \"8080\", \"-h\", \"/\"]",
                "command: [\"sh\", \"-c\", \"echo pwned > /m/written; exec httpd -f -p 8080 -h /\"]")
                + "    volumes: [\"" + h.markerDir() + ":/m\"]\n"), Map.of(), new Runs(containers -> assertVolumeAt(containers.get(0), "/m"))));
        c.add(new Case("a read-only bind of the host's secret", compose(web("    volumes: [\"" + h.secret() + ":/s:ro\"]\n")), Map.of(),
                new Runs(containers -> {
                    for (JsonNode m : containers.get(0).at("/Mounts")) {
                        assertNotEquals("/s", m.at("/Destination").asText(), "nothing is mounted at /s: " + m);
                    }
                })));
        c.add(refused("docker socket", web("    volumes: [\"/var/run/docker.sock:/s\"]\n"), "Docker socket"));
        c.add(refused("volume backed by a host path", web("    volumes: [\"vol:/v\"]\nvolumes:\n  vol:\n    driver_opts: {type: none, o: bind, device: "
                + h.markerDir() + "}\n"), "volumes.vol.driver_opts"));
        c.add(refused("volumes_from a foreign container", web("    volumes_from: [\"container:" + h.target() + "\"]\n"),
                "services.web.volumes_from"));
        c.add(refused("volume of another environment by name", web("    volumes: [\"vol:/v\"]\nvolumes:\n  vol: {name: other_data}\n"),
                "volumes.vol.name"));
        c.add(refused("external network", web("    networks: [shared]\nnetworks:\n  shared: {external: true, name: reviewenv}\n"),
                "networks.shared.external"));
        c.add(refused("reviewenv's own network key", web("    networks: [reviewenv]\nnetworks:\n  reviewenv: {}\n"), "networks.reviewenv"));
        c.add(refused("macvlan network", web("    networks: [n]\nnetworks:\n  n: {driver: macvlan}\n"), "networks.n.driver"));
        c.add(refused("ipvlan network", web("    networks: [n]\nnetworks:\n  n: {driver: ipvlan}\n"), "networks.n.driver"));
        c.add(refused("bridge options of the host", web("    networks: [n]\nnetworks:\n  n:\n    driver_opts: {com.docker.network.bridge.name: docker0}\n"),
                "networks.n.driver_opts"));
        c.add(refused("fixed subnet", web("    networks: [n]\nnetworks:\n  n:\n    ipam: {config: [{subnet: 10.0.0.0/8}]}\n"), "networks.n.ipam"));
        c.add(new Case("host ports are published nowhere", compose(web("    ports: [\"80:8080\", \"127.0.0.1:2222:22\"]\n")), Map.of(),
                new Runs(containers -> {
                    JsonNode ct = containers.get(0);
                    assertTrue(ct.at("/HostConfig/PortBindings").isNull() || ct.at("/HostConfig/PortBindings").isEmpty(),
                            "published on the host: " + ct.at("/HostConfig/PortBindings"));
                    assertEquals(false, ct.at("/HostConfig/PublishAllPorts").asBoolean());
                    JsonNode exposed = ct.at("/Config/ExposedPorts");
                    assertTrue((exposed.has("8080/tcp") || exposed.has("8080")) && (exposed.has("22/tcp") || exposed.has("22")),
                            "the container ports are exposed, for routing: " + ct.at("/Config/ExposedPorts"));
                })));
        c.add(new Case("a fixed container name is an alias, never the container's name", compose(web("    container_name: "
                + h.target() + "\n")), Map.of(), new Runs(containers -> {
                    JsonNode ct = containers.get(0);
                    assertNotEquals("/" + h.target(), ct.at("/Name").asText());
                    assertTrue(ct.at("/NetworkSettings/Networks").toString().contains("\"" + h.target() + "\""), "the alias");
                })));
        c.add(refused("external_links", web("    external_links: [\"" + h.target() + "\"]\n"), "services.web.external_links"));
        c.add(refused("logging to the host's syslog", web("    logging: {driver: syslog}\n"), "services.web.logging.driver"));
        // Labels that would make a container another environment's, or someone else's project.
        c.add(refused("label spoofing another environment", web("    labels: {dev.reviewenv.environment: victim}\n"),
                "services.web.labels.dev.reviewenv.environment"));
        c.add(refused("label spoofing a compose project", web("    labels: [\"com.docker.compose.project=victim\"]\n"),
                "services.web.labels.com.docker.compose.project"));
        // Files the host holds, by path, by interpolation, by include and extends.
        c.add(refused("env_file of the host", web("    env_file: " + h.secret() + "\n"), "services.web.env_file"));
        c.add(refused("env_file only known after interpolation", web("    env_file: \"${EF:-" + h.secret() + "}\"\n"),
                "only known after interpolation"));
        c.add(refused("label_file of the host", web("    label_file: " + h.secret() + "\n"), "services.web.label_file"));
        c.add(refused("secret of the host", web("    secrets: [s]\nsecrets:\n  s: {file: " + h.secret() + "}\n"), "secrets.s.file"));
        c.add(refused("secret by a relative escape", web("    secrets: [s]\nsecrets:\n  s: {file: " + ups + h.secret().substring(1) + "}\n"),
                "secrets.s.file"));
        c.add(refused("config from the environment", web("    configs: [c]\nconfigs:\n  c: {environment: PATH}\n"), "configs.c.environment", "configs.c value 'environment'"));
        c.add(new Case("include outside", Map.of("docker-compose.yml", "include: [\"" + ups + "etc/x.yml\"]\n" + WEB), Map.of(),
                new Refused("include[0].path", "include[0].path")));
        c.add(new Case("extends a file outside", Map.of("docker-compose.yml", WEB + "  side:\n    extends: {file: " + ups
                + "etc/x.yml, service: s}\n"), Map.of(), new Refused("services.side.extends.file")));
        c.add(new Case("include that is privileged", Map.of("docker-compose.yml", "include: [inc.yml]\n" + WEB,
                "inc.yml", "services:\n  inc:\n    image: reviewenv/busybox:local\n    privileged: true\n"), Map.of(),
                new Refused("services.inc.privileged", "'include' does not match")));
        c.add(new Case("extends a privileged service", Map.of("docker-compose.yml", WEB + "  side:\n    extends: {file: base.yml, service: b}\n",
                "base.yml", "services:\n  b:\n    image: reviewenv/busybox:local\n    cap_add: [NET_ADMIN]\n"), Map.of(),
                new Refused("services.side.cap_add")));
        c.add(refused("post_start hook as root of the host", web("    post_start:\n      - {command: [\"true\"], privileged: true}\n"),
                "services.web.post_start[0].privileged", "'post_start'"));
        // Builds.
        String build = "services:\n  web:\n    init: true\n    expose: [\"8080\"]\n    build:\n";
        Map<String, String> dockerfile = Map.of("Dockerfile", "FROM reviewenv/busybox:local\nCMD [\"httpd\", \"-f\", \"-p\", \"8080\", \"-h\", \"/\"]\n");
        c.add(buildCase("build.ssh", build + "      context: .\n      ssh: [default]\n", dockerfile, new Refused("services.web.build.ssh", "unsupported option: 'ssh'")));
        c.add(buildCase("build.secrets of the host", build + "      context: .\n      secrets: [s]\nsecrets:\n  s: {file: " + h.secret() + "}\n",
                dockerfile, new Refused("secrets.s.file", "unsupported option: 'secrets'")));
        c.add(buildCase("build.additional_contexts of the host", build + "      context: .\n      additional_contexts: {x: /etc}\n",
                dockerfile, new Refused("services.web.build.additional_contexts.x", "unsupported option: 'additional_contexts'")));
        c.add(buildCase("build.cache_to the host", build + "      context: .\n      cache_to: [\"type=local,dest=" + h.markerDir() + "/cache\"]\n",
                dockerfile, new Refused("services.web.build.cache_to", "unsupported option: 'cache_to'")));
        c.add(buildCase("build.tags of a shared image", build + "      context: .\n      tags: [\"" + h.sharedTag() + "\"]\n",
                dockerfile, new Refused("services.web.build.tags", "unsupported option: 'tags'")));
        c.add(buildCase("build on the host network", build + "      context: .\n      network: host\n", dockerfile,
                new Refused("services.web.build.network")));
        c.add(buildCase("Dockerfile outside the checkout", build + "      context: .\n      dockerfile: " + ups + "etc/passwd\n",
                dockerfile, new Refused("services.web.build.dockerfile")));
        c.add(buildCase("a build that names itself like a shared image",
                "services:\n  web:\n    image: " + h.sharedTag() + "\n    init: true\n    expose: [\"8080\"]\n    build: .\n", dockerfile,
                new Runs(containers -> {
                    assertEquals(1, containers.size());
                    String image = containers.get(0).at("/Config/Image").asText();
                    assertNotEquals(h.sharedTag(), image, "the build got its own name");
                    assertTrue(image.matches(".*/web:[0-9a-f]{40}"), image);
                })));
        // Symbolic links of every kind.
        c.add(new Case("compose file is a link", Map.of("real.yml", WEB), Map.of("docker-compose.yml", "real.yml"),
                new Refused("symbolic link")));
        c.add(new Case("env_file through a chain of links", compose(web("    env_file: x\n")),
                linked(Map.of("a", ".", "x", up + h.secret().substring(1))), new Refused("lead out of the checkout")));
        c.add(new Case("build context that is a link to the root", Map.of("docker-compose.yml", build + "      context: ctx\n"),
                Map.of("ctx", "/"), new Refused("lead out of the checkout")));
        c.add(new Case("a link out anywhere in the tree", compose(WEB), Map.of("docs/etc", "/etc"), new Refused("lead out of the checkout")));
        c.add(new Case("a link at the file reviewenv once wrote", compose(WEB),
                linked(Map.of("a", ".", ".reviewenv-compose.yml", up + h.markerDir().substring(1) + "/written")),
                new Refused("lead out of the checkout")));
        // .env and profiles: the checkout's .env feeds interpolation, and nothing of it steers Compose.
        c.add(new Case(".env that would pick the project, files, profiles and daemon", Map.of(
                "docker-compose.yml", WEB + "    labels: {page: \"${PAGE}\"}\n  debug:\n    image: reviewenv/busybox:local\n"
                        + "    profiles: [debug]\n    privileged: true\n",
                ".env", "COMPOSE_PROJECT_NAME=victim\nCOMPOSE_FILE=evil.yml\nCOMPOSE_PROFILES=debug\nDOCKER_HOST=tcp://127.0.0.1:1\n"
                        + "export COMPOSE_IGNORE_ORPHANS=1\nPAGE=from-dotenv\n",
                "evil.yml", "services:\n  web:\n    image: reviewenv/busybox:local\n    privileged: true\n"), Map.of(),
                new Runs(containers -> {
                    assertEquals(1, containers.size(), "web alone; the debug profile stays off");
                    JsonNode ct = containers.get(0);
                    assertEquals("from-dotenv", ct.at("/Config/Labels/page").asText(), "the rest of .env is read");
                    assertEquals(false, ct.at("/HostConfig/Privileged").asBoolean());
                })));
        c.add(new Case(".env that turns a namespace to the host's", Map.of("docker-compose.yml", web("    pid: \"${P:-}\"\n"),
                ".env", "P=host\n"), Map.of(), new Refused("services.web.pid")));
        // Bombs and keys nobody knows.
        c.add(refused("YAML alias bomb", aliasBomb(), "YAML"));
        c.add(refused("deep nesting", "services:\n  web:\n    image: x\n    labels:\n" + "      a: ".repeat(1) + "[".repeat(200) + "]".repeat(200) + "\n",
                "YAML"));
        c.add(refused("a key nobody knows", web("    no_such_key: 1\n"), "no_such_key"));
        c.add(refused("restart always is rewritten, privileged is not", web("    restart: always\n    privileged: true\n"),
                "services.web.privileged"));
        c.addAll(Isolation.cases(h));
        return c;
    }

    private static Case buildCase(String title, String compose, Map<String, String> more, Outcome outcome) {
        Map<String, String> files = new LinkedHashMap<>(more);
        files.put("docker-compose.yml", compose);
        return new Case(title, files, Map.of(), outcome);
    }

    /** Links in the order given ({@code a -> .} before what goes through it). */
    private static Map<String, String> linked(Map<String, String> links) {
        Map<String, String> ordered = new LinkedHashMap<>();
        links.keySet().stream().sorted().forEach(k -> ordered.put(k, links.get(k)));
        return ordered;
    }

    /** Under 600 bytes that stand for 9^9 nodes once expanded. */
    static String aliasBomb() {
        StringBuilder sb = new StringBuilder("x-a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        char prev = 'a';
        for (char n = 'b'; n <= 'i'; n++) {
            sb.append("x-").append(n).append(": &").append(n).append(" [");
            for (int i = 0; i < 9; i++) {
                sb.append(i == 0 ? "" : ",").append('*').append(prev);
            }
            sb.append("]\n");
            prev = n;
        }
        return sb + WEB + "    labels: {bomb: *i}\n";
    }

    /** The container has a volume of its environment's own at {@code target}, where the file asked for a path of the host. */
    static void assertVolumeAt(JsonNode ct, String target) {
        String environment = ct.at("/Config/Labels/dev.reviewenv.environment").asText();
        for (JsonNode m : ct.at("/Mounts")) {
            if (target.equals(m.at("/Destination").asText())) {
                assertEquals("volume", m.at("/Type").asText(), "a volume at " + target + ": " + m);
                assertTrue(m.at("/Name").asText().startsWith(environment + "_bind-host-"), "the environment's own: " + m);
                return;
            }
        }
        throw new AssertionError("nothing is mounted at " + target + ": " + ct.at("/Mounts"));
    }

    /** The cgroup namespace the daemon gives containers that ask for none: host on cgroup v1, private on v2. */
    static final String DAEMON_CGROUPNS = dev.reviewenv.testsupport.Cmd.ok("docker", "info", "--format", "{{.CgroupVersion}}").trim()
            .equals("1") ? "host" : "private";

    /** What Docker runs for any environment: nothing of the host, nothing of another environment. */
    static void assertConfined(JsonNode ct, Host h) {
        String name = ct.at("/Name").asText();
        JsonNode hc = ct.at("/HostConfig");
        assertEquals(false, hc.at("/Privileged").asBoolean(), name + " privileged");
        assertTrue(hc.at("/CapAdd").isNull() || hc.at("/CapAdd").isEmpty(), name + " CapAdd " + hc.at("/CapAdd"));
        assertTrue(hc.at("/Devices").isNull() || hc.at("/Devices").isEmpty(), name + " Devices");
        for (String mode : List.of("PidMode", "IpcMode", "UTSMode", "UsernsMode")) {
            String v = hc.at("/" + mode).asText();
            assertTrue(!v.equals("host") && !v.startsWith("container:"), name + " " + mode + "=" + v);
        }
        // On a cgroup v1 host the daemon itself puts every container in the host's cgroup namespace
        // (with a read-only cgroupfs); a branch cannot choose it (the policy refuses cgroup: host).
        String cgroupns = hc.at("/CgroupnsMode").asText();
        assertTrue(cgroupns.isEmpty() || cgroupns.equals("private") || cgroupns.equals(DAEMON_CGROUPNS), name + " CgroupnsMode=" + cgroupns);
        String net = hc.at("/NetworkMode").asText();
        assertTrue(!net.equals("host") && !net.equals("bridge") && !net.startsWith("container:"), name + " NetworkMode=" + net);
        for (JsonNode m : ct.at("/Mounts")) {
            if ("bind".equals(m.at("/Type").asText())) {
                // Only a file or folder of the environment's own checkout, and read-only.
                assertTrue(m.at("/Source").asText().contains("/.reviewenv-workspaces/"), name + " binds " + m);
                assertEquals(false, m.at("/RW").asBoolean(), name + " binds writable " + m);
            }
        }
        String restart = hc.at("/RestartPolicy/Name").asText();
        assertTrue(restart.isEmpty() || restart.equals("no"), name + " restarts: " + restart);
        for (JsonNode opt : hc.at("/SecurityOpt")) {
            assertTrue(opt.asText().startsWith("no-new-privileges"), name + " SecurityOpt " + opt);
        }
        assertTrue(ct.at("/HostConfig/CapDrop").toString().contains("NET_RAW"), name + " keeps NET_RAW: " + ct.at("/HostConfig/CapDrop"));
        String logType = ct.at("/HostConfig/LogConfig/Type").asText();
        assertTrue(logType.equals("none") || (logType.equals("json-file") || logType.equals("local"))
                && !ct.at("/HostConfig/LogConfig/Config/max-size").asText().isEmpty()
                && !ct.at("/HostConfig/LogConfig/Config/max-file").asText().isEmpty(), name + " logs unbounded: " + ct.at("/HostConfig/LogConfig"));
        for (JsonNode env : ct.at("/Config/Env")) {
            assertTrue(!env.asText().contains("HOST-SECRET"), name + " got a host file into its environment: " + env);
        }
        String project = ct.at("/Config/Labels/com.docker.compose.project").asText();
        assertEquals(project, ct.at("/Config/Labels/dev.reviewenv.environment").asText(), name + " labels");
    }
}
