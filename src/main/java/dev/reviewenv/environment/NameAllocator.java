package dev.reviewenv.environment;

import dev.reviewenv.config.ReviewenvConfig;
import dev.reviewenv.engine.record.RecordStore;
import dev.reviewenv.engine.redis.RedisNameClaims;
import dev.reviewenv.naming.Address;
import dev.reviewenv.naming.Branch;
import dev.reviewenv.naming.EnvironmentName;
import dev.reviewenv.naming.EnvironmentNames;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Optional;

/**
 * Which environment a branch has, and where it answers. The name is allocated once per branch
 * (its record says, else a claim in Redis) and never taken from another branch: a branch whose
 * name is held by another gets the suffixed form. The address is made here, once.
 */
@Singleton
public class NameAllocator {
    private final ReviewenvConfig config;
    private final RecordStore records;
    private final RedisNameClaims claims;

    public NameAllocator(ReviewenvConfig config, RecordStore records, RedisNameClaims claims) {
        this.config = config;
        this.records = records;
        this.claims = claims;
    }

    /** A branch's environment name and its address. */
    public record Allocation(EnvironmentName name, Address address) {
    }

    /**
     * The branch's environment: its record's name, else the slug name, else the slug name with a
     * suffix. No lock is held: the record comes from the store's index (one read, however many
     * environments there are), and a claim in Redis is atomic, so of two branches racing for one
     * name exactly one gets it and the other goes on to its suffixed form.
     */
    public Allocation allocate(Branch branch) {
        Optional<EnvironmentName> existing = existing(branch);
        if (existing.isPresent()) {
            return allocation(branch, existing.get());
        }
        for (EnvironmentName candidate : candidates(branch)) {
            if (!heldByOther(candidate, branch) && claims.claim(candidate.value(), branch.key())) {
                return allocation(branch, candidate);
            }
        }
        throw new NameTaken("both " + baseName(branch) + " and its suffixed form are held by other branches;"
                + " rename the branch or set a prefix for repository " + branch.repository());
    }

    /** The name of the branch's environment if it has one (a record, or a claim from an earlier push). */
    public Optional<EnvironmentName> existing(Branch branch) {
        Optional<EnvironmentName> recorded = records.findByBranch(branch).map(r -> r.environmentName());
        if (recorded.isPresent()) {
            return recorded;
        }
        return candidates(branch).stream()
                .filter(c -> claims.holderOf(c.value()).map(branch.key()::equals).orElse(false))
                .findFirst();
    }

    /** Takes the name for the branch again before a deploy: a teardown in between may have released it. */
    public void reclaim(EnvironmentName name, Branch branch) {
        if (heldByOther(name, branch) || !claims.claim(name.value(), branch.key())) {
            throw new NameTaken("the name " + name + " was taken by another branch meanwhile; push again to get a new one");
        }
    }

    /** Frees the name when its environment has ended. */
    public void release(EnvironmentName name) {
        claims.release(name.value());
    }

    /** The repository's prefix and the branch's slug: the name a branch gets unless another holds it. */
    public EnvironmentName baseName(Branch branch) {
        String prefix = config.repository(branch.repository()).flatMap(ReviewenvConfig.Repository::prefix).orElse("");
        return EnvironmentName.of(EnvironmentNames.name(prefix, branch.ref()));
    }

    /** Where the environment {@code name} of {@code branch} answers (the repository's domain, or the default). */
    public Allocation allocation(Branch branch, EnvironmentName name) {
        String domain = config.repository(branch.repository()).flatMap(ReviewenvConfig.Repository::domain).orElse(config.domain());
        return new Allocation(name, Address.of(name, domain, config.tls()));
    }

    private List<EnvironmentName> candidates(Branch branch) {
        EnvironmentName base = baseName(branch);
        return List.of(base, EnvironmentName.of(EnvironmentNames.disambiguated(base.value(), branch.repository(), branch.ref())));
    }

    private boolean heldByOther(EnvironmentName name, Branch branch) {
        return records.read(name).map(r -> !r.belongsTo(branch)).orElse(false);
    }
}
