package dev.reviewenv.engine.swarm;

import dev.reviewenv.engine.docker.SwarmApi;
import dev.reviewenv.engine.process.CommandRunner;
import dev.reviewenv.engine.registry.RegistryApi;
import dev.reviewenv.time.Poller;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes what an environment left on the other nodes of the swarm (the images they pulled for
 * it, its volumes there), which the manager's Docker API cannot reach: a global job of Swarm's
 * own ({@code --mode global-job}) runs one task on every node with that node's Docker socket
 * and a fixed {@code docker} command line, then is removed. Its image holds nothing but the
 * manager's own {@code docker} CLI (and the libraries it links), pushed to the registry the nodes
 * pull from as {@code <registry>/reviewenv-janitor:<hash of the CLI>}.
 */
public class NodeJanitor {
    /** Marks the janitor's services and image. */
    static final String LABEL = "dev.reviewenv.janitor";
    private static final Duration JOB_TIMEOUT = Duration.ofSeconds(120);
    private static final Pattern LIBRARY = Pattern.compile("(?:=>\\s*)?(/\\S+)\\s+\\(0x");
    private static final Set<String> DONE = Set.of("complete", "failed", "rejected", "shutdown", "orphaned", "remove");

    private final CommandRunner runner;
    private final SwarmApi swarm;
    private final RegistryApi registry;
    private final Duration timeout;
    private final Poller poller;
    private String image;

    NodeJanitor(CommandRunner runner, SwarmApi swarm, RegistryApi registry, Duration timeout, Poller poller) {
        this.runner = runner;
        this.swarm = swarm;
        this.registry = registry;
        this.timeout = timeout;
        this.poller = poller.pausing(Duration.ofMillis(300));
    }

    /**
     * Runs {@code docker <arguments>} once on every node that is up, waits for all of them, removes
     * the job, and says on how many nodes it ran, and where it did not succeed with what that means
     * ({@code failed}, e.g. "not there, or still in use"). {@code arguments} are fixed words of
     * reviewenv's and names it validated.
     */
    void everywhere(String purpose, List<String> arguments, String failed, Consumer<String> out) {
        String ref = image(out);
        String service = "reviewenv-janitor-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> argv = SwarmCommands.everyNode(service, LABEL + "=" + purpose, ref, arguments);
        run(argv, out);
        try {
            String id = swarm.services(Map.of(LABEL, purpose)).stream().filter(s -> s.name().equals(service)).findFirst()
                    .map(SwarmApi.SwarmService::id).orElseThrow(() -> new IllegalStateException("the janitor job " + service
                            + " is not there after its creation"));
            AtomicReference<List<SwarmApi.SwarmTask>> last = new AtomicReference<>(List.of());
            boolean ended = poller.until(JOB_TIMEOUT, () -> {
                List<SwarmApi.SwarmTask> tasks = swarm.tasks(List.of(id));
                last.set(tasks);
                return !tasks.isEmpty() && tasks.stream().allMatch(t -> DONE.contains(t.state()));
            });
            if (!ended) {
                out.accept("the janitor job " + service + " did not end on every node within " + JOB_TIMEOUT.toSeconds()
                        + " s; what it did not reach stays there");
            }
            List<SwarmApi.SwarmTask> tasks = last.get();
            Map<String, SwarmApi.SwarmNodeInfo> nodes = swarm.nodes();
            List<String> notDone = tasks.stream().filter(t -> !"complete".equals(t.state()))
                    .map(t -> (nodes.containsKey(t.nodeId()) ? nodes.get(t.nodeId()).hostname() : t.nodeId()) + " (" + t.state()
                            + (t.error() == null ? "" : ": " + t.error()) + ")").toList();
            out.accept(purpose + " on " + (tasks.size() - notDone.size()) + " node(s)"
                    + (notDone.isEmpty() ? "" : "; not on " + String.join(", ", notDone) + ": " + failed));
        } finally {
            runner.run(SwarmCommands.removeService(service), null, Map.of(), timeout, line -> { });
        }
    }

    /** The janitor's image in the registry, built and pushed the first time it is needed. */
    private synchronized String image(Consumer<String> out) {
        if (image != null) {
            return image;
        }
        Path cli = dockerCli();
        String tag;
        try {
            tag = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(cli))).substring(0, 16);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + cli, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        String ref = registry.prefix() + "reviewenv-janitor:" + tag;
        if (!registry.tags(registry.repository(ref)).contains(tag)) {
            build(cli, ref, out);
            run(SwarmCommands.push(ref), out);
        }
        image = ref;
        return ref;
    }

    /** An image of the CLI alone: the binary, and each library {@code ldd} says it loads, at their paths. */
    private void build(Path cli, String ref, Consumer<String> out) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("reviewenv-janitor");
            Path root = Files.createDirectories(dir.resolve("rootfs"));
            List<Path> files = new ArrayList<>(List.of(cli));
            CommandRunner.Captured ldd = runner.capture(SwarmCommands.libraries(cli), null, Map.of(), Duration.ofSeconds(20),
                    1 << 16, line -> { });
            for (String line : new String(ldd.stdout(), StandardCharsets.UTF_8).split("\n")) {
                Matcher m = LIBRARY.matcher(line);
                if (m.find()) {
                    files.add(Path.of(m.group(1)));
                }
            }
            for (Path f : files) {
                Path target = root.resolve(f.toString().substring(1)).normalize();
                Files.createDirectories(target.getParent());
                Files.copy(f.toRealPath(), target);
                target.toFile().setExecutable(true);
            }
            Path binary = root.resolve("docker");
            Files.move(root.resolve(cli.toString().substring(1)), binary);
            Files.writeString(dir.resolve("Dockerfile"), "FROM scratch\nCOPY rootfs/ /\nLABEL " + LABEL + "=image\n"
                    + "ENTRYPOINT [\"/docker\"]\n", StandardCharsets.UTF_8);
            run(SwarmCommands.build(ref, dir), out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the janitor's image: " + e.getMessage(), e);
        } finally {
            if (dir != null) {
                runner.run(List.of("rm", "-rf", dir.toString()), null, Map.of(), Duration.ofSeconds(30), line -> { });
            }
        }
    }

    /** The {@code docker} CLI reviewenv itself runs: the first on the PATH, its real file. */
    private static Path dockerCli() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path p = Path.of(dir, "docker");
            if (Files.isExecutable(p)) {
                try {
                    return p.toRealPath();
                } catch (IOException ignored) {
                    // look further
                }
            }
        }
        throw new IllegalStateException("no docker CLI on the PATH");
    }

    private void run(List<String> argv, Consumer<String> out) {
        runner.runOrThrow(String.join(" ", argv.subList(0, Math.min(3, argv.size()))), argv, Map.of(), timeout, out,
                IllegalStateException::new);
    }
}
