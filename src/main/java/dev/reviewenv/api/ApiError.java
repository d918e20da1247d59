package dev.reviewenv.api;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The body of every error answer: what went wrong, and the detail that says what to do. */
@Schema(name = "Error", description = "What went wrong, and what to do", requiredProperties = {"error", "detail"})
public record ApiError(@Schema(description = "The kind of error, e.g. not found") String error,
        @Schema(description = "What was wrong and the next step") String detail) {
}
