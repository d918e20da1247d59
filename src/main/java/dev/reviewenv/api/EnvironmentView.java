package dev.reviewenv.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/** An environment as {@code GET /api/environments} shows it. */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record EnvironmentView(String name, String repository, String branch, String ref, String commit, String url,
        String status, Instant createdAt, Instant deployedAt, Instant removeAt, Long expiresInSeconds, String service,
        Integer port, String lastJob) {
}
