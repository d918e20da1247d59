package dev.reviewenv.deploy;

import static dev.reviewenv.deploy.ModelValues.lower;
import static dev.reviewenv.deploy.ModelValues.truthy;

import dev.reviewenv.config.PolicyRule;
import dev.reviewenv.engine.fs.Beneath;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * {@link ComposePolicy}'s checks of what a service reads or mounts of the host: a path the file reads
 * must stay inside the branch's checkout once every link is followed; a mount must be a named volume
 * of the file, a tmpfs or an image, or a read-only bind of a path inside the checkout, and never the
 * Docker socket.
 */
final class HostPaths {
    private static final String SOCKET = "docker.sock";

    private HostPaths() {
    }

    /** A path the file reads from the host: once every link is followed, it must stay inside the checkout. */
    static void hostPath(PolicyWalk p, String path, Object value) {
        if (value == null) {
            return;
        }
        String s = String.valueOf(value);
        if (s.startsWith("~") || s.contains("$") || !Beneath.stays(p.checkout(), p.checkout().resolve(s))) {
            p.add(PolicyRule.HOST_FILES, path, "'" + s + "' is outside the branch's checkout; use a path inside the repository");
        }
    }

    /** {@code env_file}, {@code label_file}: each file (a path, or a mapping with its {@code path}) is a host path. */
    static void files(PolicyWalk p, String at, Object v, String owner) {
        p.list(at, v, (path, f) -> hostPath(p, path, f instanceof Map<?, ?> m ? m.get("path") : f));
    }

    /** A service's {@code volumes}: each one a {@link #mount}. */
    static void volumes(PolicyWalk p, String at, Object v, String owner) {
        p.list(at, v, (path, volume) -> mount(p, path, volume));
    }

    /**
     * One mount of a service, as adapted: a named volume, tmpfs or image, or a read-only bind of a
     * path inside the checkout; any other bind is a host path.
     */
    private static void mount(PolicyWalk p, String path, Object volume) {
        if (volume instanceof Map<?, ?> m) {
            String type = lower(m.get("type"));
            String source = m.get("source") == null ? null : String.valueOf(m.get("source"));
            if (source != null && source.contains(SOCKET)) {
                p.add(PolicyRule.DOCKER_SOCKET, path, "mounting the Docker socket gives the branch root on the host; remove it");
            } else if ("bind".equals(type)) {
                boolean readOnly = truthy(m.get("read_only"));
                if (source == null || !source.startsWith("/") || !Beneath.stays(p.checkout(), Path.of(source)) || !readOnly) {
                    p.add(PolicyRule.BIND_MOUNTS, path, "'" + source + "' binds a host path outside the branch's checkout (links"
                            + " followed); mount a file or folder of the repository (./path), or use a named volume");
                }
            } else if ("npipe".equals(type) || "cluster".equals(type)) {
                p.add(PolicyRule.BIND_MOUNTS, path, "'" + type + "' mounts reach the host; use a named volume");
            } else if (type == null || !Set.of("volume", "tmpfs", "image").contains(type)) {
                p.add(null, path + ".type", "'" + m.get("type") + "' is not a mount type reviewenv allows; use volume or tmpfs");
            }
            return;
        }
        String spec = String.valueOf(volume);
        int colon = spec.indexOf(':');
        String source = colon < 0 ? null : spec.substring(0, colon);
        if (source == null) {
            return;
        }
        if (source.contains(SOCKET)) {
            p.add(PolicyRule.DOCKER_SOCKET, path, "mounting the Docker socket (" + source + ") gives the branch root on the host;"
                    + " remove it");
        } else if (source.startsWith("/") || source.startsWith(".") || source.startsWith("~") || source.contains("/")
                || source.contains("$") || !p.isVolume(source)) {
            p.add(PolicyRule.BIND_MOUNTS, path, "'" + source + "' binds a host path outside the branch's checkout; mount a file or"
                    + " folder of the repository (./path), or use a named volume (e.g. data:" + spec.substring(colon + 1) + ")");
        }
    }
}
