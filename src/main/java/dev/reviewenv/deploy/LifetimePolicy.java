package dev.reviewenv.deploy;

import dev.reviewenv.config.Lifetime;
import dev.reviewenv.config.ReviewenvConfig;
import dev.reviewenv.naming.Branch;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.Optional;

/**
 * The lifetime of a deploy, most specific first: the push option, the branch being one that
 * never expires, the compose file's {@code x-reviewenv.lifetime}, the repository's, the default.
 */
@Singleton
public class LifetimePolicy {
    private final ReviewenvConfig config;

    public LifetimePolicy(ReviewenvConfig config) {
        this.config = config;
    }

    public Lifetime of(Branch branch, Map<String, String> options, Optional<Lifetime> fromFile) {
        if (options.containsKey("lifetime")) {
            return Lifetime.parse(options.get("lifetime"));
        }
        Optional<ReviewenvConfig.Repository> repo = config.repository(branch.repository());
        if (repo.flatMap(ReviewenvConfig.Repository::neverExpire).map(b -> b.contains(branch.name())).orElse(false)) {
            return Lifetime.NEVER;
        }
        if (fromFile.isPresent()) {
            return fromFile.get();
        }
        return repo.flatMap(ReviewenvConfig.Repository::lifetime).orElse(config.defaultLifetime());
    }
}
