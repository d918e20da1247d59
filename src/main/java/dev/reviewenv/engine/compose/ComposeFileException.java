package dev.reviewenv.engine.compose;

import java.util.List;

/**
 * A compose file that cannot be deployed: it is not YAML, breaks the Compose specification, or
 * lacks what reviewenv needs. Each problem names the file and the path in it, and the fix.
 */
public class ComposeFileException extends RuntimeException {
    private final List<String> problems;

    public ComposeFileException(String file, List<String> problems) {
        super(file + ":\n  " + String.join("\n  ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
