package dev.reviewenv.push;

import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** What the hook (or a webhook, translated) says about one pushed ref. */
@Schema(description = "One pushed branch, as the post-receive hook sends it", requiredProperties = {"repository", "ref", "after"},
        additionalProperties = Schema.False.class)
public record PushRequest(
        @Schema(description = "The repository: its path under the git root (team/shop) or the bare repository's absolute path",
                pattern = "^\\S+$", maxLength = 1024) String repository,
        @Schema(description = "The full ref of the branch", pattern = "^refs/heads/[^\\x00-\\x1f\\x7f]+$", maxLength = 1024) String ref,
        @Schema(description = "The commit the branch was at before the push", pattern = "^[0-9a-fA-F]{40}$", nullable = true) String before,
        @Schema(description = "The commit the branch is at now; all zeros when the branch was deleted", pattern = "^[0-9a-fA-F]{40}$")
        String after,
        @Schema(description = "Push options (git push -o key=value)", implementation = PushOptions.class, nullable = true)
        Map<String, String> options) {
    public PushRequest {
        options = options == null ? Map.of() : Map.copyOf(options);
    }

    /** The push options reviewenv knows, for the API's description. */
    @Schema(additionalProperties = Schema.False.class)
    public record PushOptions(
            @Schema(description = "How long this deploy lives: 90s, 30m, 12h, 7d or never", pattern = "^([1-9][0-9]{0,8}[smhd]|never)$")
            String lifetime) {
    }
}
