package dev.reviewenv.environment;

import dev.reviewenv.config.CloneUrl;
import dev.reviewenv.config.ReviewenvConfig;
import dev.reviewenv.engine.git.GitCheckout;
import dev.reviewenv.engine.git.GitException;
import dev.reviewenv.engine.git.GitRepositories;
import dev.reviewenv.engine.git.Mirrors;
import dev.reviewenv.naming.Branch;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where a repository's commits come from, decided in one place: a repository configured with
 * {@code clone-url} is fetched from its forge into reviewenv's mirror of it ({@link Mirrors});
 * any other is the bare repository under the git root, as a post-receive hook pushes to it.
 */
@Singleton
public class Sources {
    private final GitRepositories repositories;
    private final Mirrors mirrors;
    private final GitCheckout git;
    /** The forge of each repository configured with a clone-url, made once (the URLs were checked at start). */
    private final Map<String, Mirrors.Remote> remotes = new java.util.HashMap<>();

    public Sources(GitRepositories repositories, Mirrors mirrors, GitCheckout git, ReviewenvConfig config) {
        this.repositories = repositories;
        this.mirrors = mirrors;
        this.git = git;
        config.repositories().forEach((name, r) -> r.cloneUrl().ifPresent(u -> {
            CloneUrl url = CloneUrl.parse(u, r.cloneToken().isPresent(), r.cloneKey().isPresent());
            remotes.put(name, new Mirrors.Remote(url, url.tokenUser(r.cloneUser()), r.cloneToken(), r.cloneKey(),
                    r.cloneKnownHosts()));
        }));
    }

    /** The repository's name, once it is known: configured with a clone-url, or a bare repository under the git root. */
    public String known(String repository) {
        String name = repositories.nameOf(repository);
        if (remote(name).isEmpty()) {
            repositories.locate(name);
        }
        return name;
    }

    /** The forge a repository is fetched from, if it is configured with one. */
    public Optional<Mirrors.Remote> remote(String name) {
        return Optional.ofNullable(remotes.get(name));
    }

    /** The bare repository its commits are read from as they are now (a mirror as of its last fetch). */
    public Path bare(String name) {
        return remote(name).map(r -> mirrors.mirror(name)).orElseGet(() -> repositories.locate(name));
    }

    /** The bare repository holding {@code commit} of {@code branch}: a mirror fetches the branch from its forge first. */
    public Path fetched(Branch branch, String commit, Consumer<String> out) {
        Optional<Mirrors.Remote> remote = remote(branch.repository());
        if (remote.isPresent()) {
            return mirrors.fetch(branch.repository(), remote.get(), branch.ref(), commit, out);
        }
        return repositories.locate(branch.repository());
    }

    /**
     * The repository's branches (full refs to commit ids) as its source says now: the forge, asked
     * at once, or the bare repository. Empty when they cannot be read: that proves nothing.
     */
    public Optional<Map<String, String>> branches(String name) {
        Optional<Mirrors.Remote> remote = remote(name);
        if (remote.isPresent()) {
            return mirrors.branches(remote.get());
        }
        try {
            return Optional.of(git.branches(repositories.locate(name)));
        } catch (GitException missingOrUnreadable) {
            return Optional.empty();
        }
    }
}
