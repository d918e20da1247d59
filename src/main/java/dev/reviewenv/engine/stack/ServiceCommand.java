package dev.reviewenv.engine.stack;

import java.util.List;

/** A command to run in a running container of one service of an environment (a hook), as {@code docker exec} runs it. */
public record ServiceCommand(String service, List<String> command) {
    public ServiceCommand {
        command = List.copyOf(command);
    }

    @Override
    public String toString() {
        return service + ": " + String.join(" ", command);
    }
}
