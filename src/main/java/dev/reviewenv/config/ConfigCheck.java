package dev.reviewenv.config;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Checks the values that types alone cannot: a bad one stops start-up with a message that names
 * the key, the value that was found, and what to write instead.
 */
@Singleton
public class ConfigCheck {
    private static final Pattern DNS_NAME =
            Pattern.compile("(?=.{1,190}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");
    private static final Pattern NETWORK = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}");
    private static final Pattern PREFIX = Pattern.compile("[a-z0-9][a-z0-9-]{0,19}");
    private static final Pattern HTPASSWD = Pattern.compile("[A-Za-z0-9._@-]{1,64}:\\$(apr1|2[aby])\\$[./A-Za-z0-9$]{8,}");
    private static final Pattern REDIS_URL = Pattern.compile("rediss?://.+");

    void onStart(@Observes StartupEvent event, ReviewenvConfig config) {
        List<String> problems = problems(config);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("reviewenv cannot start, its configuration is wrong:\n  "
                    + String.join("\n  ", problems));
        }
    }

    /** Every problem of the configuration, each naming its key; empty when all is well. */
    /** A registry as image references start with it: a host name or address, an optional port and path. */
    private static final java.util.regex.Pattern REGISTRY = java.util.regex.Pattern.compile(
            "(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*)(?::[0-9]{1,5})?(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*");

    public static List<String> problems(ReviewenvConfig c) {
        List<String> p = new ArrayList<>();
        checkDomain(p, "reviewenv.domain", c.domain());
        if (!NETWORK.matcher(c.network()).matches()) {
            p.add("reviewenv.network: '" + c.network() + "' is not a Docker network name; use letters, digits, '_', '.', '-'");
        }
        if (c.apiToken().length() < 16) {
            p.add("reviewenv.api-token: too short (" + c.apiToken().length()
                    + " characters); set at least 16 random characters, e.g. `openssl rand -hex 24`");
        }
        if (!REDIS_URL.matcher(c.redisUrl()).matches()) {
            p.add("reviewenv.redis-url: must look like redis://host:port (found a value of another form)");
        }
        if (!c.home().isAbsolute()) {
            p.add("reviewenv.home: '" + c.home() + "' must be an absolute path");
        }
        if (!c.gitRoot().isAbsolute()) {
            p.add("reviewenv.git-root: '" + c.gitRoot() + "' must be an absolute path");
        }
        c.swarm().registry().ifPresent(r -> {
            if (!REGISTRY.matcher(r).matches()) {
                p.add("reviewenv.swarm.registry: '" + r + "' is not a registry as image names start with it; write"
                        + " host[:port][/path] without a scheme or tag, e.g. registry.example.com:5000/reviews");
            }
        });
        if (c.jobs().workers() < 0 || c.jobs().workers() > 32) {
            p.add("reviewenv.jobs.workers: " + c.jobs().workers() + " is out of range; use 0 (run no jobs) to 32");
        }
        if (c.jobs().outputLimit() < 4096) {
            p.add("reviewenv.jobs.output-limit: " + c.jobs().outputLimit() + " is too small; use at least 4096 bytes");
        }
        try {
            Lifetime every = Lifetime.parse(c.reaper().every());
            if (every.duration().isEmpty()) {
                p.add("reviewenv.reaper.every: 'never' is not a period; write e.g. 1m");
            }
        } catch (IllegalArgumentException e) {
            p.add("reviewenv.reaper.every: " + e.getMessage());
        }
        c.compose().command().ifPresent(cmd -> {
            if (cmd.isEmpty() || !(cmd.equals(List.of("docker", "compose")) || cmd.equals(List.of("docker-compose"))
                    || cmd.get(0).startsWith("/"))) {
                p.add("reviewenv.compose.command: '" + String.join(" ", cmd)
                        + "' is not a Compose command; use 'docker compose', 'docker-compose' or an absolute path");
            }
        });
        checkLimits(p, "reviewenv.limits", c, null);
        c.maxEnvironments().ifPresent(n -> checkMax(p, "reviewenv.max-environments", n));
        c.traefik().wakeUrl().ifPresent(u -> checkUrl(p, "reviewenv.traefik.wake-url", u));
        c.traefik().certResolver().ifPresent(r -> {
            if (!r.matches("[A-Za-z0-9][A-Za-z0-9_-]{0,62}")) {
                p.add("reviewenv.traefik.cert-resolver: '" + r + "' is not a resolver name of Traefik's static configuration;"
                        + " use letters, digits, '-' and '_', e.g. letsencrypt");
            }
        });
        c.basicAuth().ifPresent(users -> checkUsers(p, "reviewenv.basic-auth", users));
        c.notifications().ntfy().ifPresent(u -> checkUrl(p, "reviewenv.notify.ntfy", u));
        c.notifications().webhook().ifPresent(u -> checkUrl(p, "reviewenv.notify.webhook", u));
        c.publicUrl().ifPresent(u -> checkUrl(p, "reviewenv.public-url", u));
        c.repositories().forEach((name, repo) -> {
            String key = "reviewenv.repositories.\"" + name + "\"";
            repo.prefix().ifPresent(prefix -> {
                if (!PREFIX.matcher(prefix).matches()) {
                    p.add(key + ".prefix: '" + prefix + "' must be 1 to 20 of a-z, 0-9, '-', starting with a letter or digit");
                }
            });
            repo.domain().ifPresent(d -> checkDomain(p, key + ".domain", d));
            checkLimits(p, key + ".limits", c, name);
            repo.maxEnvironments().ifPresent(n -> checkMax(p, key + ".max-environments", n));
            repo.basicAuth().ifPresent(users -> checkUsers(p, key + ".basic-auth", users));
            repo.composeFile().ifPresent(f -> {
                if (f.startsWith("/") || f.contains("..")) {
                    p.add(key + ".compose-file: '" + f + "' must be a path inside the repository, like deploy/compose.yml");
                }
            });
            repo.allow().ifPresent(rules -> rules.forEach(rule -> {
                try {
                    PolicyRule.of(rule);
                } catch (IllegalArgumentException e) {
                    p.add(key + ".allow: " + e.getMessage());
                }
            }));
            repo.forge().ifPresent(f -> {
                if (!List.of("gitea", "github", "gitlab").contains(f)) {
                    p.add(key + ".forge: '" + f + "' is not a forge reviewenv speaks to; use gitea, github or gitlab");
                } else if (repo.forgeToken().isEmpty()) {
                    p.add(key + ".forge-token: missing; the " + f + " API needs a token to post statuses and comments");
                } else if (f.equals("gitea") && repo.forgeUrl().isEmpty()) {
                    p.add(key + ".forge-url: missing; write the Gitea API base, e.g. https://gitea.example.com/api/v1");
                }
            });
            repo.seedFrom().ifPresent(b -> {
                // git's own rules for a branch name, in short: no space, control character, ~^:?*[\ or "..".
                if (!b.strip().matches("[^\\s\\p{Cntrl}~^:?*\\[\\\\]+") || b.contains("..") || b.startsWith("-")) {
                    p.add(key + ".seed-from: '" + b + "' is not a branch name; write the branch whose environment new ones copy, e.g. main");
                }
            });
            if (repo.seedVolumes().isPresent() && repo.seedFrom().isEmpty()) {
                p.add(key + ".seed-volumes: set without seed-from; write the branch they are copied from, e.g. " + key + ".seed-from=main");
            }
            repo.forgeUrl().ifPresent(u -> checkUrl(p, key + ".forge-url", u));
            repo.cloneUrl().ifPresent(u -> {
                try {
                    CloneUrl url = CloneUrl.parse(u, repo.cloneToken().isPresent(), repo.cloneKey().isPresent());
                    if (url.ssh()) {
                        readable(p, key + ".clone-key", repo.cloneKey());
                        if (repo.cloneKnownHosts().isEmpty()) {
                            p.add(key + ".clone-known-hosts: missing; an SSH forge's host key is never accepted unseen: write its"
                                    + " known_hosts line (ssh-keyscan, checked against what the forge publishes) into a file and"
                                    + " name it here");
                        }
                        readable(p, key + ".clone-known-hosts", repo.cloneKnownHosts());
                    }
                } catch (IllegalArgumentException e) {
                    p.add(key + ".clone-url: " + e.getMessage());
                }
            });
            if (repo.cloneUrl().isEmpty() && (repo.cloneToken().isPresent() || repo.cloneUser().isPresent()
                    || repo.cloneKey().isPresent())) {
                p.add(key + ".clone-token: set without clone-url; write where the repository is fetched from, e.g."
                        + " https://git.example.com/team/shop.git");
            }
            p.addAll(Variables.problems(key, repo));
            repo.template().ifPresent(t -> {
                if (t.contains("/") || t.startsWith(".")) {
                    p.add(key + ".template: '" + t + "' must be a file name in reviewenv.compose-templates");
                }
            });
        });
        return p;
    }

    private static void checkLimits(List<String> p, String key, ReviewenvConfig c, String repository) {
        try {
            c.limitsFor(repository == null ? "" : repository);
        } catch (IllegalArgumentException e) {
            p.add(key + ": " + e.getMessage());
        }
    }

    private static void checkMax(List<String> p, String key, int n) {
        if (n < 1) {
            p.add(key + ": " + n + " would allow no environment; use 1 or more, or leave it unset for no cap");
        }
    }

    private static void checkUsers(List<String> p, String key, List<String> users) {
        for (int i = 0; i < users.size(); i++) {
            if (!HTPASSWD.matcher(users.get(i)).matches()) {
                // The entry itself is not echoed: it holds a password hash.
                p.add(key + "[" + i + "]: not a user:hash entry with a bcrypt ($2y$) or apr1 ($apr1$) hash;"
                        + " make one with `htpasswd -nbB user password` or `openssl passwd -apr1`");
            }
        }
    }

    private static void checkUrl(List<String> p, String key, String url) {
        try {
            java.net.URI u = new java.net.URI(url);
            if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null) {
                throw new java.net.URISyntaxException(url, "not http(s)");
            }
        } catch (java.net.URISyntaxException e) {
            p.add(key + ": not an http(s) URL; write e.g. https://ntfy.sh/my-reviews");
        }
    }

    private static void checkDomain(List<String> p, String key, String domain) {
        if (!DNS_NAME.matcher(domain).matches()) {
            p.add(key + ": '" + domain + "' is not a lowercase DNS name; write e.g. review.example.com or localhost");
        }
    }

    /** A file the service must read: there, and readable. */
    private static void readable(List<String> p, String key, java.util.Optional<java.nio.file.Path> file) {
        file.filter(f -> !java.nio.file.Files.isReadable(f)).ifPresent(f -> p.add(key + ": " + f + " is not a file reviewenv can"
                + " read"));
    }
}
