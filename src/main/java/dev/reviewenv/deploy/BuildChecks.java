package dev.reviewenv.deploy;

import dev.reviewenv.config.PolicyRule;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@link ComposePolicy}'s checks of where a build reads from: its context and additional contexts
 * are directories of the checkout, http(s) URLs the sandboxed builder fetches itself, or (for an
 * additional context) another service of the file or a {@code docker-image://} reference; its
 * Dockerfile is a file of the checkout. Never {@code file://}, ssh or the host's keys.
 */
final class BuildChecks {
    private BuildChecks() {
    }

    /** A build's {@code context}. */
    static void context(PolicyWalk p, String at, Object value, String owner) {
        String c = String.valueOf(value);
        if (c.contains("://") && !remote(c) || c.startsWith("git@")) {
            p.add(PolicyRule.HOST_FILES, at, "'" + c + "' is neither a directory of the repository nor an http(s)"
                    + " URL (file:// reads the host, ssh and git@ would use the host's keys); use a path inside the"
                    + " repository or an https:// URL");
        } else if (!remote(c)) {
            HostPaths.hostPath(p, at, value);
        }
    }

    /** A build's {@code additional_contexts}. */
    static void additionalContexts(PolicyWalk p, String at, Object value, String owner) {
        p.entries(at, value, (path, ctx) -> {
            String c = String.valueOf(ctx);
            if (c.startsWith("service:")) {
                if (!p.isService(c.substring("service:".length()))) {
                    p.add(null, path, "'" + c + "' is not a service of this file");
                }
            } else if (c.contains("://") && !remote(c) && !c.startsWith("docker-image://") || c.startsWith("git@")) {
                p.add(PolicyRule.HOST_FILES, path, "'" + c + "' is neither a directory of the repository, an http(s) URL"
                        + " nor a docker-image:// reference; use one of those");
            } else if (!remote(c) && !c.startsWith("docker-image://")) {
                HostPaths.hostPath(p, path, c);
            }
        });
    }

    /** A build's {@code dockerfile}, judged with its context: inside the checkout, unless the context is remote. */
    static void dockerfile(PolicyWalk p, String path, Map<?, ?> build) {
        Object context = build.get("context") == null ? "." : build.get("context");
        if (build.get("dockerfile") != null && !remote(String.valueOf(context))) {
            Path dockerfile = Path.of(String.valueOf(build.get("dockerfile")));
            HostPaths.hostPath(p, path + ".dockerfile", dockerfile.isAbsolute() ? dockerfile.toString()
                    : Path.of(String.valueOf(context)).resolve(dockerfile).toString());
        }
    }

    /** A context the sandboxed builder fetches itself: an http(s) URL (a Git repository or a tarball). */
    private static boolean remote(String context) {
        return context.startsWith("https://") || context.startsWith("http://");
    }
}
