package dev.reviewenv.deploy;

import dev.reviewenv.naming.Address;
import dev.reviewenv.naming.Branch;
import dev.reviewenv.naming.EnvironmentName;
import java.util.Map;

/**
 * What the deploy stage is asked to do: run {@code revision} of {@code branch} as the environment
 * {@code name}, answering at {@code address}. {@code options} are the user's push options;
 * {@code job} names the job in the record's history. {@code trusted} is false for a fork's pull
 * request: its code gets none of the repository's variables, and no rule the repository is trusted with.
 */
public record DeployRequest(EnvironmentName name, Branch branch, String revision, Address address,
        Map<String, String> options, String job, boolean trusted) {
    public DeployRequest {
        options = options == null ? Map.of() : Map.copyOf(options);
    }
}
