package dev.reviewenv.deploy;

import dev.reviewenv.config.Lifetime;
import dev.reviewenv.config.ReviewenvConfig;
import dev.reviewenv.engine.record.EnvironmentLocks;
import dev.reviewenv.engine.record.EnvironmentRecord;
import dev.reviewenv.engine.record.RecordStore;
import dev.reviewenv.engine.redis.RedisJobStore;
import dev.reviewenv.naming.EnvironmentNames;
import jakarta.inject.Singleton;
import java.time.Instant;
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
    private final EnvironmentLocks locks;

    public Environments(ReviewenvConfig config, RecordStore records, RedisJobStore jobs, EnvironmentLocks locks) {
        this.config = config;
        this.records = records;
        this.jobs = jobs;
        this.locks = locks;
    }

    /**
     * Moves an environment's removal to {@code now + lifetime} ({@code never} removes
     * {@code removeat}); empty when there is no such environment.
     */
    public Optional<EnvironmentRecord> extend(String name, Lifetime lifetime, Instant now) {
        try (EnvironmentLocks.Held lock = locks.hold(name)) {
            Optional<EnvironmentRecord> record = records.read(name);
            record.ifPresent(r -> {
                records.writeRemoveAt(name, lifetime.removeAt(now));
                records.write(r.with(new EnvironmentRecord.Event(now, "extend", "lifetime " + lifetime, r.commit(), null)));
            });
            return record;
        }
    }

    /** Takes the name for the branch again before a deploy: a teardown in between may have released it. */
    public void reclaim(String name, String repository, String ref) {
        boolean heldByOther = records.read(name).map(r -> !r.belongsTo(repository, ref)).orElse(false);
        if (heldByOther || !jobs.claim(name, repository, ref)) {
            throw new IllegalStateException("the name " + name + " was taken by another branch meanwhile; push again to get a new one");
        }
    }

    /** The branch's environment name: its record's, else the slug name, else the slug name with a suffix. */
    public synchronized String allocate(String repository, String ref) {
        Optional<String> existing = existing(repository, ref);
        if (existing.isPresent()) {
            return existing.get();
        }
        String base = baseName(repository, ref);
        for (String candidate : new String[] {base, EnvironmentNames.disambiguated(base, repository, ref)}) {
            boolean heldByOther = records.read(candidate).map(r -> !r.belongsTo(repository, ref)).orElse(false);
            if (!heldByOther && jobs.claim(candidate, repository, ref)) {
                return candidate;
            }
        }
        throw new IllegalStateException("both " + base + " and its suffixed form are held by other branches;"
                + " rename the branch or set a prefix for repository " + repository);
    }

    /** The repository's prefix and the branch's slug: the name a branch gets unless another holds it. */
    public String baseName(String repository, String ref) {
        return EnvironmentNames.name(config.repository(repository).flatMap(ReviewenvConfig.Repository::prefix).orElse(""), ref);
    }

    /** The name of the branch's environment if it has one (a record, or a claim from an earlier push). */
    public Optional<String> existing(String repository, String ref) {
        Optional<String> recorded = records.findByBranch(repository, ref).map(r -> r.name());
        if (recorded.isPresent()) {
            return recorded;
        }
        String base = baseName(repository, ref);
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
