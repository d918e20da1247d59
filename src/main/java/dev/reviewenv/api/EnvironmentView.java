package dev.reviewenv.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * An environment as {@code GET /api/environments} shows it. {@code lastRequest}: the last HTTP
 * request Traefik logged for it (null: none yet); {@code resources}: what its containers use
 * (sampled every 30 s while it runs) and the limits each of its services runs with.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record EnvironmentView(String name, String repository, String branch, String ref, String commit, String url,
        String status, Instant createdAt, Instant deployedAt, Instant removeAt, Long expiresInSeconds, String service,
        Integer port, String lastJob, Instant lastRequest, Resources resources) {

    /** Use (null when not sampled: asleep, or not yet) and the limits of each service. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Resources(Long memoryBytes, Double cpuPercent, Long pids, Instant sampledAt, Long memoryLimitBytes,
            Double cpusLimit, Long pidsLimit) {
    }
}
