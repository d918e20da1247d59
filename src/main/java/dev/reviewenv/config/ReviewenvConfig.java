package dev.reviewenv.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The whole configuration of reviewenv. Every key can be set in application.properties or
 * overridden by an environment variable ({@code reviewenv.git-root} is {@code REVIEWENV_GIT_ROOT}).
 * {@link ConfigCheck} validates the values at start-up and names the key of every bad one.
 */
@ConfigMapping(prefix = "reviewenv")
public interface ReviewenvConfig {

    /** The deploy user's home; records live in {@code <home>/.reviewenv/<name>/}. */
    @WithDefault("${user.home}")
    Path home();

    /** Directory of bare repositories; a push for a repository outside it is refused. */
    @WithName("git-root")
    @WithDefault("/srv/git")
    Path gitRoot();

    /** Environments are served as {@code <name>.<domain>}. */
    @WithDefault("localhost")
    String domain();

    /** Whether URLs are {@code https} (TLS terminated by Traefik). */
    @WithDefault("false")
    boolean tls();

    /** Lifetime of an environment after its last deploy, when nothing more specific says. */
    @WithName("default-lifetime")
    @WithDefault("7d")
    @WithConverter(LifetimeConverter.class)
    Lifetime defaultLifetime();

    /**
     * The Docker network Traefik and reviewenv meet on (Traefik reaches the wake endpoint there).
     * Review containers never join it: each environment's routed service is on a routing network
     * of its own, which Traefik joins.
     */
    @WithDefault("reviewenv")
    String network();

    /** Redis holding jobs and the queue, e.g. {@code redis://127.0.0.1:6390}. */
    @WithName("redis-url")
    @WithDefault("redis://127.0.0.1:6390")
    String redisUrl();

    /** Bearer token for every {@code /api/*} call but the webhooks. At least 16 characters. */
    @WithName("api-token")
    String apiToken();

    /** Per-environment checkouts; default {@code <home>/.reviewenv-workspaces}. */
    @WithName("workspace-dir")
    Optional<Path> workspaceDir();

    /** Compose files used for repositories that have none of their own. */
    @WithName("compose-templates")
    @WithDefault("compose-templates")
    Path composeTemplates();

    /**
     * HTTP basic auth in front of every review URL: {@code user:hash} entries as htpasswd writes
     * them, with bcrypt ({@code $2y$}) or apr1 ({@code $apr1$}) hashes. Empty: no auth.
     */
    @WithName("basic-auth")
    Optional<List<String>> basicAuth();

    /**
     * What this process is: the service ({@code service}), or one reaper pass ({@code reap}, set by
     * {@code java -jar quarkus-run.jar reap} through the {@code reap} profile).
     */
    @WithDefault("service")
    Mode mode();

    enum Mode { SERVICE, REAP }

    Checkout checkout();

    @WithName("notify")
    Notify notifications();

    Session session();

    /**
     * Where people reach the service itself, for the links it sends (the one-click Extend of an
     * expiry warning); default {@code http://localhost:<quarkus.http.port>}.
     */
    @WithName("public-url")
    Optional<String> publicUrl();

    Spool spool();

    /** The most each service of a review environment may use (see {@link Limits}). */
    LimitsConfig limits();

    /** At most this many environments on the host; empty: no cap (see {@code when-full}). */
    @WithName("max-environments")
    Optional<Integer> maxEnvironments();

    /** What a push beyond {@code max-environments} does: evict the least recently used one, or be refused. */
    @WithName("when-full")
    @WithDefault("evict")
    WhenFull whenFull();

    enum WhenFull { EVICT, REFUSE }

    /**
     * Free space in Docker's data root below this ({@code 10%}, {@code 20g}) evicts the least
     * recently used environments, then trims the image cache; empty: not watched.
     */
    @WithName("disk-floor")
    @WithConverter(DiskFloorConverter.class)
    Optional<DiskFloor> diskFloor();

    /** Where Docker keeps its data, for the disk floor; default: what the Docker engine says. */
    @WithName("docker-data-root")
    Optional<Path> dockerDataRoot();

    /**
     * Pulled images no environment uses are kept for later deploys up to this size, least recently
     * used removed first; {@code 0} removes them with their last environment.
     */
    @WithName("image-cache")
    @WithDefault("5g")
    @WithConverter(ByteSizeConverter.class)
    ByteSize imageCache();

    /** An environment without an HTTP request for this long is put to sleep; empty: never. */
    @WithName("idle-after")
    @WithConverter(LifetimeConverter.class)
    Optional<Lifetime> idleAfter();

    /** Whether the lifetime counts from the last deploy or from the last HTTP request. */
    @WithName("lifetime-from")
    @WithDefault("deploy")
    LifetimeFrom lifetimeFrom();

    enum LifetimeFrom { DEPLOY, LAST_REQUEST }

    Traefik traefik();

    Compose compose();

    /**
     * What runs the environments: {@code compose} (Compose on this host, the default) or {@code swarm}
     * (a stack per environment on the Docker Swarm this host manages; see {@link Swarm}).
     */
    @WithDefault("compose")
    Engine engine();

    enum Engine { COMPOSE, SWARM }

    Swarm swarm();

    Build build();

    Jobs jobs();

    Reaper reaper();

    /** Per-repository settings, keyed by the repository's path under the git root ({@code team/shop}). */
    Map<String, Repository> repositories();

    /** Where the records live: {@code <home>/.reviewenv}. */
    default Path recordsDir() {
        return home().resolve(".reviewenv");
    }

    default Path workspaces() {
        return workspaceDir().orElse(home().resolve(".reviewenv-workspaces"));
    }

    default Path accessLogFile() {
        return traefik().accessLog().orElse(home().resolve(".reviewenv-traefik").resolve("logs").resolve("access.log"));
    }

    default Path routesDir() {
        return traefik().dynamicDir().orElse(home().resolve(".reviewenv-traefik").resolve("dynamic"));
    }

    /** The limits of a repository's services: its own where it sets them, else the host's. */
    default Limits limitsFor(String repository) {
        Optional<RepositoryLimits> own = repository(repository).map(Repository::limits);
        LimitsConfig host = limits();
        return new Limits(own.flatMap(RepositoryLimits::memory).orElse(host.memory()).bytes(),
                own.flatMap(RepositoryLimits::cpus).orElse(host.cpus()), own.flatMap(RepositoryLimits::pids).orElse(host.pids()));
    }

    /** What bounds one environment of a repository as a whole: its containers and their logs. */
    default Bounds boundsFor(String repository) {
        LimitsConfig host = limits();
        int containers = repository(repository).map(Repository::limits).flatMap(RepositoryLimits::containers).orElse(host.containers());
        return new Bounds(containers, host.logs().bytes(), host.logFiles());
    }

    /** The most environments a repository may have at once, if anything caps it. */
    default Optional<Integer> maxEnvironmentsOf(String repository) {
        return repository(repository).flatMap(Repository::maxEnvironments);
    }

    /** Who may open a repository's review URLs; empty means anyone. */
    default List<String> basicAuthFor(String repository) {
        return repository(repository).flatMap(Repository::basicAuth).or(this::basicAuth).orElse(List.of());
    }

    /** The label a fork's pull request of the repository must carry to be deployed. */
    default String forkLabelFor(String repository) {
        return repository(repository).map(Repository::forkLabel).orElse(Repository.FORK_LABEL);
    }

    /** The settings of one repository, if the configuration names it. */
    default Optional<Repository> repository(String path) {
        return Optional.ofNullable(repositories().get(path));
    }

    interface Notify {
        /** An ntfy topic URL ({@code https://ntfy.sh/my-reviews}); every event is published there. */
        Optional<String> ntfy();

        /** A URL that gets every event as a {@code POST} of JSON. */
        Optional<String> webhook();

        /** How long before {@code removeat} the {@code expiring} event is sent (at most a quarter of the lifetime). */
        @WithName("expiry-warning")
        @WithDefault("1d")
        @WithConverter(LifetimeConverter.class)
        Lifetime expiryWarning();
    }

    interface LimitsConfig {
        @WithDefault("1g")
        @WithConverter(ByteSizeConverter.class)
        ByteSize memory();

        @WithDefault("1")
        double cpus();

        @WithDefault("512")
        long pids();

        /** The most containers one environment may run: every service, each replica. */
        @WithDefault("20")
        int containers();

        /** The most one container log file may hold before it is rotated. */
        @WithDefault("10m")
        @WithConverter(ByteSizeConverter.class)
        ByteSize logs();

        /** How many log files of that size are kept per container. */
        @WithName("log-files")
        @WithDefault("3")
        int logFiles();
    }

    /** A repository's own limits, higher (a trusted repository) or lower than the host's. */
    interface RepositoryLimits {
        @WithConverter(ByteSizeConverter.class)
        Optional<ByteSize> memory();

        Optional<Double> cpus();

        Optional<Long> pids();

        Optional<Integer> containers();
    }

    interface Session {
        /** How long a dashboard sign-in lasts. */
        @WithDefault("12h")
        Duration lifetime();
    }

    interface Spool {
        /**
         * Where the hook queues a push while the service (or Redis) is down; the service replays
         * it. Writable by every git user (mode 1733), readable by the service.
         */
        @WithDefault("/var/spool/reviewenv")
        Path dir();

        /** How often the spool is looked at. */
        @WithDefault("15s")
        Duration every();
    }

    interface Checkout {
        /** Largest checkout of a commit (the sum of its files); a bigger one fails its deploy. */
        @WithName("max-size")
        @WithDefault("1g")
        @WithConverter(ByteSizeConverter.class)
        ByteSize maxSize();

        /** Most files in a checkout. */
        @WithName("max-files")
        @WithDefault("100000")
        int maxFiles();
    }

    interface Traefik {
        /** The directory Traefik's file provider watches; default {@code <home>/.reviewenv-traefik/dynamic}. */
        @WithName("dynamic-dir")
        Optional<Path> dynamicDir();

        /** Entry points the routers listen on; empty means all of Traefik's. */
        @WithName("entry-points")
        Optional<List<String>> entryPoints();

        /**
         * Traefik's JSON access log, read for each environment's last request; default
         * {@code <home>/.reviewenv-traefik/logs/access.log} (what {@code traefik/run.sh} writes).
         */
        @WithName("access-log")
        Optional<Path> accessLog();

        /**
         * With {@code reviewenv.tls}: the certificate resolver (ACME) of Traefik's static
         * configuration that routers ask for the wildcard of their domain; empty: Traefik's default
         * certificate (a wildcard certificate from files) serves them.
         */
        @WithName("cert-resolver")
        Optional<String> certResolver();

        /**
         * How Traefik reaches this service, for the routes of sleeping environments (their wake
         * page); default: this service's port on the gateway of {@code reviewenv.network}.
         */
        @WithName("wake-url")
        Optional<String> wakeUrl();

        /**
         * The name of Traefik's container: reviewenv connects it to each environment's routing
         * network (and takes it off before the network goes).
         */
        @WithDefault("reviewenv-traefik")
        String container();
    }

    interface Compose {
        /**
         * The Compose command, as words: {@code docker compose} (v2) or {@code docker-compose} (v1).
         * Empty: detected at start, v2 preferred.
         */
        Optional<List<String>> command();

        /** How long one {@code up} or {@code down} may take. */
        @WithDefault("10m")
        Duration timeout();

        /**
         * How long a container gets to stop before it is killed, whatever its {@code stop_grace_period}:
         * a stop or an update never waits longer.
         */
        @WithName("stop-timeout")
        @WithDefault("10s")
        Duration stopTimeout();

        /** How long the deployed containers have to be running (and healthy, if they say how). */
        @WithName("ready-timeout")
        @WithDefault("60s")
        Duration readyTimeout();
    }

    interface Swarm {
        /**
         * The registry every node pulls from, as {@code host[:port][/path]}: images an environment builds
         * are pushed there as {@code <registry>/<name>-<service>:<commit>}. Without it a branch with
         * {@code build:} is refused on a swarm.
         */
        Optional<String> registry();

        /**
         * Whether the registry speaks plain HTTP (a registry on the manager's loopback, or one the
         * daemons list as insecure); reviewenv's own calls to it (removing tags) use https otherwise.
         */
        @WithName("registry-http")
        @WithDefault("false")
        boolean registryHttp();
    }

    interface Build {
        /** How long one image's build may take; it is stopped then, and the deploy fails saying so. */
        @WithDefault("10m")
        Duration timeout();

        /**
         * Images of this host's Docker that builds may start from ({@code FROM}) as if pulled, e.g. a
         * company base image that is in no registry; a build sees no other image of the host.
         */
        @WithName("local-images")
        Optional<List<String>> localImages();
    }

    interface Jobs {
        /** Jobs run at once (each on its own environment); 0 runs none (the one-shot reaper). */
        @WithDefault("2")
        int workers();

        /** Bytes of a job's output kept in Redis; older output is cut from the head. */
        @WithName("output-limit")
        @WithDefault("262144")
        int outputLimit();

        /**
         * How often the workers say they are alive; a process silent for three times this long is
         * taken for dead, and its jobs are taken again.
         */
        @WithDefault("10s")
        Duration heartbeat();

        /** How long a finished job stays readable. */
        @WithName("keep-for")
        @WithDefault("14d")
        @WithConverter(LifetimeConverter.class)
        Lifetime keepFor();
    }

    interface Reaper {
        /** How often expired environments are reaped. */
        @WithDefault("1m")
        String every();
    }

    interface Repository {
        /** Prefix of every environment name of this repository, e.g. {@code shop-}. */
        Optional<String> prefix();

        /** Domain of this repository's environments instead of {@code reviewenv.domain}. */
        Optional<String> domain();

        /** The compose file in the repository, relative to its root. */
        @WithName("compose-file")
        Optional<String> composeFile();

        /** A file of {@code reviewenv.compose-templates} used when the repository has no compose file. */
        Optional<String> template();

        /** Lifetime of this repository's environments. */
        @WithConverter(LifetimeConverter.class)
        Optional<Lifetime> lifetime();

        /** Branches whose environments never expire. */
        @WithName("never-expire")
        Optional<List<String>> neverExpire();

        /**
         * Policy rules relaxed for this trusted repository (e.g. {@code ports,bind-mounts}); each
         * relaxation is logged on every deploy. Rules: see {@link PolicyRule}.
         */
        Optional<List<String>> allow();

        /** Basic auth users of this repository's URLs instead of {@code reviewenv.basic-auth}. */
        @WithName("basic-auth")
        Optional<List<String>> basicAuth();

        /** Limits of this repository's services instead of {@code reviewenv.limits}. */
        RepositoryLimits limits();

        /**
         * The branch whose environment a new environment's volumes start as a copy of (the file's
         * {@code x-reviewenv.seed} wins); e.g. {@code main}.
         */
        @WithName("seed-from")
        Optional<String> seedFrom();

        /** The volumes (keys of the compose file's {@code volumes:}) that {@code seed-from} copies; default: every one the file defines. */
        @WithName("seed-volumes")
        Optional<List<String>> seedVolumes();

        /** At most this many environments of this repository at once. */
        @WithName("max-environments")
        Optional<Integer> maxEnvironments();

        /**
         * Values for {@code ${NAME}} in the repository's compose files, set by the operator
         * ({@code reviewenv.repositories."team/shop".variables.DB_PASSWORD=...}); they win over the
         * checkout's {@code .env}, and no log, API answer, notification or readable file shows them.
         */
        Map<String, String> variables();

        /**
         * A {@code .env}-style file of such variables the operator keeps (e.g.
         * {@code /etc/reviewenv/team-shop.env}, mode 600); the {@code variables.*} keys win over it.
         */
        @WithName("variables-file")
        Optional<Path> variablesFile();

        /** Secret that webhooks of this repository are signed with. */
        @WithName("webhook-secret")
        Optional<String> webhookSecret();

        /** The forge that hosts the repository, for commit statuses and comments: gitea, github or gitlab. */
        Optional<String> forge();

        /**
         * The forge's API base, e.g. {@code https://gitea.example.com/api/v1}, {@code https://api.github.com},
         * {@code https://gitlab.example.com/api/v4}; default: the public one of github and gitlab.
         */
        @WithName("forge-url")
        Optional<String> forgeUrl();

        /** The token reviewenv posts statuses and comments with. Never logged. */
        @WithName("forge-token")
        Optional<String> forgeToken();

        /** The repository's path on the forge ({@code owner/name}); default: its path under the git root. */
        @WithName("forge-repository")
        Optional<String> forgeRepository();

        /**
         * Where reviewenv fetches the repository from ({@code https://git.example.com/team/shop.git}):
         * such a repository needs no bare repository under the git root; reviewenv keeps a mirror of
         * its own and fetches each delivered commit into it before the deploy.
         */
        @WithName("clone-url")
        Optional<String> cloneUrl();

        /** The token sent with each fetch from {@code clone-url}, as HTTP basic auth (see {@code clone-user}). Never logged. */
        @WithName("clone-token")
        Optional<String> cloneToken();

        /**
         * The user name sent with {@code clone-token}; default: {@code x-access-token} for github.com,
         * {@code oauth2} for a host named gitlab, else the token is sent as the user name (Gitea).
         */
        @WithName("clone-user")
        Optional<String> cloneUser();

        /** For an SSH {@code clone-url}: the private key reviewenv fetches with (unencrypted, readable by the service only). */
        @WithName("clone-key")
        Optional<Path> cloneKey();

        /**
         * For an SSH {@code clone-url}: the forge's host key, as {@code known_hosts} lines (plain or
         * hashed); a host whose key is not in it is refused, never added.
         */
        @WithName("clone-known-hosts")
        Optional<Path> cloneKnownHosts();

        /** What gets an environment: pushed branches (default), open pull/merge requests ({@code pr-<n>}), or both. */
        @WithName("environments-for")
        @WithDefault("branches")
        EnvironmentsFor environmentsFor();

        /**
         * The label a pull request from a fork must carry to be deployed (only someone with write
         * access to the repository can set it); taking it off ends the environment.
         */
        @WithName("fork-label")
        @WithDefault(FORK_LABEL)
        String forkLabel();

        /** The fork label of a repository that sets none. */
        String FORK_LABEL = "preview";
    }

    /** {@code reviewenv.repositories.<repo>.environments-for}. */
    enum EnvironmentsFor {
        BRANCHES, PULL_REQUESTS, BOTH;

        public boolean branches() {
            return this != PULL_REQUESTS;
        }

        public boolean pullRequests() {
            return this != BRANCHES;
        }
    }
}
