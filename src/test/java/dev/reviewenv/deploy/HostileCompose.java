package dev.reviewenv.deploy;

import java.util.List;

/**
 * Compose models that would reach outside their environment, each with the path its refusal must
 * name, given to the policy as they are: it refuses each whatever came before it (the adaptations
 * leave most of them as they are; a bind of a host path for data they turn into a volume first).
 */
public final class HostileCompose {
    private HostileCompose() {
    }

    /** A compose file and what its refusal must say. */
    public record Case(String title, String compose, String expected) {
        @Override
        public String toString() {
            return title;
        }
    }

    static String web(String extra) {
        return "services:\n  web:\n    image: reviewenv/busybox:local\n    expose: [\"8080\"]\n" + extra;
    }

    public static List<Case> cases() {
        return List.of(
                new Case("privileged", web("    privileged: true\n"), "services.web.privileged: not allowed in a review environment (it would give the branch root on the host)"),
                new Case("cap_add", web("    cap_add: [SYS_ADMIN]\n"), "services.web.cap_add"),
                new Case("devices", web("    devices: [\"/dev/sda:/dev/sda\"]\n"), "services.web.devices"),
                new Case("pid host", web("    pid: host\n"), "services.web.pid"),
                new Case("ipc host", web("    ipc: host\n"), "services.web.ipc"),
                new Case("network_mode host", web("    network_mode: host\n"), "services.web.network_mode"),
                new Case("network_mode container", web("    network_mode: \"container:reviewenv-traefik\"\n"), "services.web.network_mode"),
                new Case("userns_mode host", web("    userns_mode: host\n"), "services.web.userns_mode"),
                new Case("seccomp unconfined", web("    security_opt: [\"seccomp:unconfined\"]\n"), "services.web.security_opt"),
                new Case("apparmor unconfined", web("    security_opt: [\"apparmor=unconfined\"]\n"), "services.web.security_opt"),
                new Case("docker socket", web("    volumes: [\"/var/run/docker.sock:/var/run/docker.sock\"]\n"), "services.web.volumes[0]: mounting the Docker socket"),
                new Case("docker socket long form", web("    volumes:\n      - {type: bind, source: /run/docker.sock, target: /s}\n"), "mounting the Docker socket"),
                new Case("bind root", web("    volumes: [\"/:/host\"]\n"), "services.web.volumes[0]: '/' binds a host path"),
                new Case("bind relative, not as Compose resolves it", web("    volumes: [\"./:/src\"]\n"), "binds a host path"),
                new Case("bind home", web("    volumes: [\"~/.ssh:/keys\"]\n"), "binds a host path"),
                new Case("bind long form", web("    volumes:\n      - {type: bind, source: /etc, target: /etc2}\n"),
                        "services.web.volumes[0]: '/etc' binds a host path outside the branch's checkout"),
                new Case("a writable bind of the checkout", web("    volumes:\n      - {type: bind, source: /ws/x/abc/conf, target: /c}\n"),
                        "services.web.volumes[0]: '/ws/x/abc/conf' binds a host path"),
                new Case("host ports left as written", web("    ports: [\"80:8080\"]\n"), "services.web.ports: ports published on the host"),
                new Case("container_name left as written", web("    container_name: web\n"), "services.web.container_name"),
                new Case("external network", web("    networks: [traefik]\nnetworks:\n  traefik: {external: true}\n"), "networks.traefik.external"),
                new Case("external volume", web("    volumes: [\"v:/v\"]\nvolumes:\n  v: {external: true}\n"), "volumes.v.external"),
                new Case("volume of another environment", web("    volumes: [\"v:/v\"]\nvolumes:\n  v: {name: main_data}\n"), "volumes.v.name"),
                new Case("volume backed by host path", web("    volumes: [\"v:/v\"]\nvolumes:\n  v:\n    driver_opts: {type: none, o: bind, device: /}\n"), "volumes.v.driver_opts"),
                new Case("volumes_from a foreign container", web("    volumes_from: [\"container:reviewenv-traefik\"]\n"), "services.web.volumes_from"),
                new Case("env_file from the host", web("    env_file: /etc/shadow\n"), "services.web.env_file: '/etc/shadow' is outside the branch's checkout"),
                new Case("secret from the host", web("    secrets: [s]\nsecrets:\n  s: {file: /root/.ssh/id_rsa}\n"), "secrets.s.file"),
                new Case("build context outside", "services:\n  web:\n    build: {context: ../../../}\n    expose: [\"80\"]\n", "services.web.build.context"),
                new Case("build on host network", "services:\n  web:\n    build: {context: ., network: host}\n    expose: [\"80\"]\n", "services.web.build.network"),
                new Case("cgroup host", web("    cgroup: host\n"), "services.web.cgroup"),
                new Case("everything at once",
                        web("    privileged: true\n    ports: [\"80:80\"]\n    container_name: x\n    volumes: [\"/:/h\"]\n"),
                        "services.web.privileged"));
    }
}
