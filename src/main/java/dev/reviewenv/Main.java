package dev.reviewenv;

import dev.reviewenv.reaper.ReapCommand;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * {@code java -jar quarkus-run.jar} runs the service; {@code ... reap [--dry-run]} runs one
 * reaper pass and exits, listening on no port and taking no jobs.
 */
@QuarkusMain
public class Main {
    public static void main(String... args) {
        if (args.length > 0 && args[0].equals("reap")) {
            System.setProperty(ReapCommand.PROPERTY, "true");
            System.setProperty("reviewenv.jobs.workers", "0");
            System.setProperty("quarkus.http.host-enabled", "false");
            System.setProperty("quarkus.log.console.stderr", "true");
            Quarkus.run(ReapCommand.class, args);
        } else {
            Quarkus.run(args);
        }
    }
}
