package dev.reviewenv;

import dev.reviewenv.api.CheckCommand;
import dev.reviewenv.reaper.ReapCommand;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * {@code java -jar quarkus-run.jar} runs the service; {@code ... reap [--dry-run]} runs one
 * reaper pass and exits, and {@code ... check <directory>} says what a push of that directory
 * would be told, both in the {@code reap} profile (see application.properties: no port, no jobs).
 */
@QuarkusMain
public class Main {
    public static void main(String... args) {
        if (args.length > 0 && args[0].equals("reap")) {
            System.setProperty("quarkus.profile", ReapCommand.PROFILE);
            Quarkus.run(ReapCommand.class, args);
        } else if (args.length > 0 && args[0].equals("check")) {
            System.setProperty("quarkus.profile", ReapCommand.PROFILE);
            Quarkus.run(CheckCommand.class, args);
        } else {
            Quarkus.run(args);
        }
    }
}
