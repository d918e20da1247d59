package dev.reviewenv.deploy;

import dev.reviewenv.config.Lifetime;
import dev.reviewenv.config.ReviewenvConfig;
import dev.reviewenv.engine.record.RecordStore;
import dev.reviewenv.engine.redis.RedisJobStore;
import dev.reviewenv.naming.EnvironmentNames;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.Optional;

/**
 * Which environment a branch has, and at which URL: the name is allocated once per branch (the
 * record says, else a claim in Redis), and never taken from another branch.
 */
@Singleton
public class Environments {
    private final ReviewenvConfig config;
    private final RecordStore records;
    private final RedisJobStore jobs;

    public Environments(ReviewenvConfig config, RecordStore records, RedisJobStore jobs) {
        this.config = config;
        this.records = records;
        this.jobs = jobs;
    }

    /** The branch's environment name: its record's, else the slug name, else the slug name with a suffix. */
    public synchronized String allocate(String repository, String ref) {
        Optional<String> existing = existing(repository, ref);
        if (existing.isPresent()) {
            return existing.get();
        }
        String prefix = config.repository(repository).flatMap(ReviewenvConfig.Repository::prefix).orElse("");
        String base = EnvironmentNames.name(prefix, ref);
        for (String candidate : new String[] {base, EnvironmentNames.disambiguated(base, repository, ref)}) {
            boolean heldByOther = records.read(candidate).map(r -> !r.belongsTo(repository, ref)).orElse(false);
            if (!heldByOther && jobs.claim(candidate, repository, ref)) {
                return candidate;
            }
        }
        throw new IllegalStateException("both " + base + " and its suffixed form are held by other branches;"
                + " rename the branch or set a prefix for repository " + repository);
    }

    /** The name of the branch's environment if it has one (a record, or a claim from an earlier push). */
    public Optional<String> existing(String repository, String ref) {
        Optional<String> recorded = records.findByBranch(repository, ref).map(r -> r.name());
        if (recorded.isPresent()) {
            return recorded;
        }
        String prefix = config.repository(repository).flatMap(ReviewenvConfig.Repository::prefix).orElse("");
        String base = EnvironmentNames.name(prefix, ref);
        String owner = repository + "\n" + ref;
        for (String candidate : new String[] {base, EnvironmentNames.disambiguated(base, repository, ref)}) {
            if (jobs.holderOf(candidate).map(owner::equals).orElse(false)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Where a commit of an environment is checked out; its compose file's relative paths resolve here. */
    public static java.nio.file.Path workspace(ReviewenvConfig config, String name, String commit) {
        return config.workspaces().resolve(name).resolve(commit);
    }

    public String url(String repository, String name) {
        return (config.tls() ? "https" : "http") + "://" + host(repository, name);
    }

    public String host(String repository, String name) {
        String domain = config.repository(repository).flatMap(ReviewenvConfig.Repository::domain).orElse(config.domain());
        return name + "." + domain;
    }

    /**
     * The lifetime of a deploy, most specific first: the push option, the branch being one that
     * never expires, the compose file's {@code x-reviewenv.lifetime}, the repository's, the default.
     */
    public Lifetime lifetime(String repository, String branch, Map<String, String> options, Optional<Lifetime> fromFile) {
        if (options.containsKey("lifetime")) {
            return Lifetime.parse(options.get("lifetime"));
        }
        Optional<ReviewenvConfig.Repository> repo = config.repository(repository);
        if (repo.flatMap(ReviewenvConfig.Repository::neverExpire).map(b -> b.contains(branch)).orElse(false)) {
            return Lifetime.NEVER;
        }
        if (fromFile.isPresent()) {
            return fromFile.get();
        }
        return repo.flatMap(ReviewenvConfig.Repository::lifetime).orElse(config.defaultLifetime());
    }
}
