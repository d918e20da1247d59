package dev.reviewenv.engine.git;

import dev.reviewenv.config.CloneUrl;
import dev.reviewenv.naming.EnvironmentNames;
import dev.reviewenv.time.Poller;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.api.errors.TransportException;
import org.eclipse.jgit.errors.IncorrectObjectTypeException;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.api.TransportConfigCallback;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.SshTransport;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;
import org.eclipse.jgit.transport.sshd.SshdSessionFactoryBuilder;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.TagOpt;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;

/**
 * reviewenv's own bare mirrors of the repositories it fetches from a forge,
 * {@code <home>/.reviewenv-mirrors/<repo>.git}: JGit fetches the delivered branch into it (never the
 * {@code git} CLI, so no credential is ever on a command line), one fetch of a repository at a time,
 * bounded by a read timeout and the checkout's size limit, tried again after a pause when the forge
 * does not answer. Every message names the URL, never the token.
 */
public class Mirrors {
    /**
     * How much history a fetch takes: enough to tell an older commit of a branch from a newer one
     * (the staleness check), far less than a whole repository's. A forge that cannot fetch shallow
     * is fetched in full.
     */
    static final int DEPTH = 50;
    /** The pauses before the second and third try of a fetch the forge did not answer. */
    private static final Duration[] PAUSES = {Duration.ofSeconds(1), Duration.ofSeconds(3)};

    /**
     * Where a repository is fetched from, and the credentials sent: over HTTPS a token, with a user
     * name or as one; over SSH a private key, the forge's key checked against {@code knownHosts}.
     */
    public record Remote(CloneUrl url, Optional<String> user, Optional<String> token, Optional<Path> key,
            Optional<Path> knownHosts) {
        @Override
        public String toString() {
            return url.toString(); // never the token
        }

        /**
         * The SSH sessions of a fetch: this key only, this known-hosts file only (strictly), no
         * {@code ~/.ssh} of the service's user (its config, keys and agent are never read).
         */
        SshdSessionFactory sessions(Path home) {
            return new SshdSessionFactoryBuilder().setHomeDirectory(home.toFile()).setSshDirectory(home.resolve("ssh").toFile())
                    .setConfigStoreFactory((homeDir, configFile, localUser) -> null)
                    .setDefaultIdentities(dir -> List.of(key.orElseThrow()))
                    .setDefaultKnownHostsFiles(dir -> List.of(knownHosts.orElseThrow()))
                    .setServerKeyDatabase((homeDir, sshDir) -> new KnownHosts(knownHosts.orElseThrow()))
                    .setPreferredAuthentications("publickey").build(null);
        }

        CredentialsProvider credentials() {
            if (token.isEmpty()) {
                return CredentialsProvider.getDefault();
            }
            return user.isPresent() ? new UsernamePasswordCredentialsProvider(user.get(), token.get())
                    : new UsernamePasswordCredentialsProvider(token.get(), "");
        }
    }

    private final Path root;
    private final long maxBytes;
    private final Duration timeout;
    private final Map<String, Object> fetching = new ConcurrentHashMap<>();

    /** {@code maxBytes}: the most a mirror may hold after a fetch; {@code timeout}: how long the forge may be silent. */
    public Mirrors(Path root, long maxBytes, Duration timeout) {
        this.root = root.toAbsolutePath().normalize();
        this.maxBytes = maxBytes;
        this.timeout = timeout;
    }

    /** The mirror of {@code repository} (a name {@link GitRepositories#nameOf} made valid), made empty if it is not there yet. */
    public Path mirror(String repository) {
        Path dir = root.resolve(repository + ".git").normalize();
        if (!dir.startsWith(root)) {
            throw new GitException("repository " + repository + " is not a name under " + root);
        }
        if (!Files.isDirectory(dir.resolve("objects"))) {
            try {
                Files.createDirectories(dir.getParent());
                Git.init().setBare(true).setDirectory(dir.toFile()).call().close();
            } catch (IOException | GitAPIException e) {
                throw new GitException("cannot make the mirror " + dir + ": " + e.getMessage(), e);
            }
        }
        return dir;
    }

    /**
     * Fetches {@code ref} (a full ref: {@code refs/heads/...}, or a request's {@code refs/pull/<n>/head})
     * of {@code repository} from {@code remote} into its mirror and returns the mirror once it holds
     * {@code commit}. Throws {@link GitException}
     * naming the URL when the forge refuses the credentials, does not answer after three tries, sent
     * more than the size limit, or does not have the commit on that ref.
     */
    public Path fetch(String repository, Remote remote, String ref, String commit, Consumer<String> out) {
        synchronized (fetching.computeIfAbsent(repository, r -> new Object())) {
            Path dir = mirror(repository);
            out.accept("fetching " + ref + " of " + repository + " from " + remote);
            boolean shallow = true;
            Bounded bound = new Bounded(dir, maxBytes);
            for (int attempt = 1; ; attempt++) {
                try (Git git = Git.open(dir.toFile()); Transports t = transports(remote)) {
                    var fetch = git.fetch().setRemote(remote.url().toString()).setRefSpecs(new RefSpec("+" + ref + ":" + ref))
                            .setTagOpt(TagOpt.NO_TAGS).setCredentialsProvider(remote.credentials()).setTransportConfigCallback(t)
                            .setTimeout((int) Math.max(1, timeout.toSeconds())).setProgressMonitor(bound);
                    if (shallow) {
                        fetch.setDepth(DEPTH);
                    }
                    fetch.call();
                    break;
                } catch (TransportException e) {
                    if (bound.over()) {
                        break; // ended for its size: said below
                    }
                    if (shallow && String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("shallow")) {
                        shallow = false; // a forge that does not serve shallow fetches: the whole branch, then
                        attempt--;
                        continue;
                    }
                    if (unknownHost(e)) {
                        throw new GitException(remote + ": the host key of " + remote.url().host() + " is not the one in"
                                + " clone-known-hosts (" + remote.knownHosts().map(Path::toString).orElse("none") + "); reviewenv"
                                + " never accepts a host key it has not been given: add the forge's published key there", e);
                    }
                    if (refused(e)) {
                        throw new GitException(remote + " refused the credentials reviewenv sent for " + repository
                                + " (clone-token, clone-user of reviewenv.repositories.\"" + repository + "\"): check the token,"
                                + " its"
                                + " scopes (read access to the repository's contents) and that it has not expired", e);
                    }
                    if (attempt > PAUSES.length) {
                        throw new GitException("cannot fetch " + ref + " from " + remote + " (tried " + attempt + " times): "
                                + e.getMessage(), e);
                    }
                    out.accept("fetch from " + remote + " failed (" + e.getMessage() + "); trying again in "
                            + PAUSES[attempt - 1].toSeconds() + " s");
                    Poller.pause(PAUSES[attempt - 1]);
                } catch (IOException | GitAPIException e) {
                    if (bound.over()) {
                        break; // said below
                    }
                    throw new GitException("cannot fetch " + ref + " from " + remote + " into " + dir + ": " + e.getMessage(), e);
                }
            }
            long size = bound.over() ? bound.seen() : size(dir);
            if (size > maxBytes) {
                delete(dir);
                throw new GitException("what " + remote + " sent for " + repository + " is " + size + " bytes, over"
                        + " reviewenv.checkout.max-size (" + maxBytes + " bytes); the mirror was removed");
            }
            try (Repository repo = Git.open(dir.toFile()).getRepository()) {
                ObjectId found;
                try {
                    found = repo.resolve(commit + "^{commit}");
                } catch (MissingObjectException | IncorrectObjectTypeException notThere) {
                    found = null;
                }
                if (found == null) {
                    throw new GitException("commit " + commit + " is not at " + remote + " (fetched " + ref + "); push it,"
                            + " or check that the webhook belongs to this repository");
                }
            } catch (IOException e) {
                throw new GitException("cannot read the mirror " + dir + ": " + e.getMessage(), e);
            }
            return dir;
        }
    }

    /**
     * The branches and pull (merge) request heads at {@code remote} (full refs to commit ids), as the
     * forge says now; empty when it cannot be asked (an unreachable forge proves nothing about them).
     */
    public Optional<Map<String, String>> branches(Remote remote) {
        try (Transports t = transports(remote)) {
            Map<String, String> heads = new HashMap<>();
            for (Ref ref : Git.lsRemoteRepository().setRemote(remote.url().toString()).setTransportConfigCallback(t)
                    .setCredentialsProvider(remote.credentials()).setTimeout((int) Math.max(1, timeout.toSeconds())).call()) {
                if ((ref.getName().startsWith(Constants.R_HEADS) || EnvironmentNames.pullRequestOf(ref.getName()).isPresent())
                        && ref.getObjectId() != null) {
                    heads.put(ref.getName(), ref.getObjectId().name());
                }
            }
            return Optional.of(heads);
        } catch (GitAPIException | RuntimeException unreachable) {
            return Optional.empty();
        }
    }

    /**
     * Ends a fetch while it runs once the mirror holds more than the size limit (the pack being
     * received counts): JGit asks {@link #isCancelled} as it receives each object, and this looks at
     * the disk (a bare mirror's few pack files) every {@link #EVERY} objects.
     */
    private static final class Bounded extends org.eclipse.jgit.lib.EmptyProgressMonitor {
        /** How many objects come between two looks at the disk. */
        static final int EVERY = 4;
        private final Path dir;
        private final long maxBytes;
        private long objects;
        private long lookedAt = -EVERY;
        private long seen;
        private boolean over;

        Bounded(Path dir, long maxBytes) {
            this.dir = dir;
            this.maxBytes = maxBytes;
        }

        @Override
        public void update(int completed) {
            objects += completed;
        }

        @Override
        public boolean isCancelled() {
            if (!over && objects - lookedAt >= EVERY) {
                lookedAt = objects;
                seen = size(dir);
                over = seen > maxBytes;
            }
            return over;
        }

        boolean over() {
            return over;
        }

        long seen() {
            return seen;
        }
    }

    /** What a fetch's transports are set up with: over SSH, sessions of {@link Remote#sessions}, closed with it. */
    private static final class Transports implements TransportConfigCallback, AutoCloseable {
        private final SshdSessionFactory sessions;

        Transports(SshdSessionFactory sessions) {
            this.sessions = sessions;
        }

        @Override
        public void configure(Transport transport) {
            if (transport instanceof SshTransport ssh) {
                if (sessions == null) {
                    throw new GitException("an SSH transport for a repository that has no clone-key");
                }
                ssh.setSshSessionFactory(sessions);
            }
        }

        @Override
        public void close() {
            if (sessions != null) {
                sessions.close();
            }
        }
    }

    private Transports transports(Remote remote) {
        return new Transports(remote.url().ssh() ? remote.sessions(root.resolve(".ssh-home")) : null);
    }

    /** Whether SSH refused the forge's host key (not in the known hosts, or another one). */
    private static boolean unknownHost(TransportException e) {
        String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        for (Throwable c = e; c != null; c = c.getCause()) {
            m += " " + String.valueOf(c.getMessage()).toLowerCase(Locale.ROOT);
        }
        return m.contains("server key did not validate") || m.contains("no known keys") || m.contains("host key");
    }

    /** Whether the forge answered that the credentials are not accepted (401, 403), not that it is away. */
    private static boolean refused(TransportException e) {
        String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        if (m.contains("auth fail") || m.contains("no more authentication methods")) {
            return true; // SSH: the key was not taken
        }
        return m.contains("not authorized") || m.contains("authentication is required") || m.contains("403")
                || m.contains("forbidden");
    }

    /** The bytes the mirror holds now; a file that comes and goes meanwhile (a lock, a pack being written) is skipped. */
    private static long size(Path dir) {
        long[] total = {0};
        try {
            Files.walkFileTree(dir, new java.nio.file.SimpleFileVisitor<>() {
                @Override
                public java.nio.file.FileVisitResult visitFile(Path file, java.nio.file.attribute.BasicFileAttributes attrs) {
                    total[0] += attrs.isRegularFile() ? attrs.size() : 0;
                    return java.nio.file.FileVisitResult.CONTINUE;
                }

                @Override
                public java.nio.file.FileVisitResult visitFileFailed(Path file, IOException gone) {
                    return java.nio.file.FileVisitResult.CONTINUE;
                }

                @Override
                public java.nio.file.FileVisitResult postVisitDirectory(Path d, IOException gone) {
                    return java.nio.file.FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot measure " + dir, e);
        }
        return total[0];
    }

    private static void delete(Path dir) {
        try {
            GitCheckout.deleteTree(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + dir, e);
        }
    }
}
