package dev.reviewenv.api;

import dev.reviewenv.config.ReviewenvConfig;
import dev.reviewenv.deploy.Admission;
import dev.reviewenv.deploy.DeployRequest;
import dev.reviewenv.environment.NameAllocator;
import dev.reviewenv.naming.Branch;
import dev.reviewenv.naming.EnvironmentName;
import io.quarkus.runtime.QuarkusApplication;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code java -jar quarkus-run.jar check <directory> [--repository team/shop] [--branch main]}: what
 * a push of that directory would be told, without deploying anything: its compose file (or the
 * template), every adaptation, every refusal with its path and fix, the routed service, the builds.
 * It runs Compose's {@code config} and reads Docker (which images are whose), and changes nothing.
 * Runs in the {@code reap} profile (no HTTP port, no workers). Exit codes: 0 admitted, 1 refused,
 * 2 bad arguments.
 */
public class CheckCommand implements QuarkusApplication {
    @Inject
    Admission admission;

    @Inject
    NameAllocator names;

    @Inject
    ReviewenvConfig config;

    @Override
    public int run(String... args) {
        List<String> rest = new ArrayList<>(List.of(args).subList(Math.min(1, args.length), args.length));
        String repository = option(rest, "--repository", "check/local");
        String branch = option(rest, "--branch", "main");
        if (rest.size() != 1 || !Files.isDirectory(Path.of(rest.get(0)))) {
            System.err.println("usage: check <directory> [--repository <repo>] [--branch <branch>]");
            return 2;
        }
        Branch b = new Branch(repository, "refs/heads/" + branch);
        EnvironmentName name = names.baseName(b);
        DeployRequest request = new DeployRequest(name, b, "HEAD", names.allocation(b, name).address(), Map.of(), "check", true);
        try {
            Admission.Admitted admitted = admission.admit(request, Path.of(rest.get(0)), "0".repeat(40), System.out::println);
            System.out.println("admitted: " + admitted.rendered().service() + " is routed on port " + admitted.rendered().port()
                    + (admitted.builds().isEmpty() ? "" : "; " + admitted.builds().size() + " image(s) to build"));
            return 0;
        } catch (RuntimeException refused) {
            System.out.println("refused: " + refused.getMessage());
            return 1;
        }
    }

    private static String option(List<String> args, String flag, String otherwise) {
        int i = args.indexOf(flag);
        if (i < 0 || i + 1 >= args.size()) {
            return otherwise;
        }
        String value = args.get(i + 1);
        args.remove(i + 1);
        args.remove(i);
        return value;
    }
}
