package dev.reviewenv;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packages read like the data flow: a class may use its own floor's package and any package
 * on a floor below, never one on its own floor or above. The order is written once, here.
 */
class ArchitectureTest {
    /** Top to bottom; packages on one floor do not use each other. */
    static final List<List<String>> FLOORS = List.of(
            List.of(""),                       // Main
            List.of("api"),
            List.of("push", "reaper"),
            List.of("job"),
            List.of("capacity"),
            List.of("deploy", "teardown"),
            List.of("environment", "notice"),
            List.of("engine"),
            List.of("naming", "config", "time"));

    static JavaClasses classes;

    @BeforeAll
    static void load() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.reviewenv");
    }

    @Test
    void everyDependencyPointsDownTheFlow() {
        List<String> upward = new ArrayList<>();
        for (var c : classes) {
            String from = stage(c.getPackageName());
            for (Dependency d : c.getDirectDependenciesFromSelf()) {
                String targetPackage = d.getTargetClass().getPackageName();
                if (!ours(targetPackage) || stage(targetPackage).equals(from)) {
                    continue;
                }
                if (floor(stage(targetPackage)) <= floor(from)) {
                    upward.add(from + " -> " + stage(targetPackage) + ": " + d.getDescription());
                }
            }
        }
        assertEquals(List.of(), new ArrayList<>(new TreeSet<>(upward)), "dependencies that run up or sideways");
    }

    @Test
    void everyPackageIsOnAFloor() {
        List<String> loose = classes.stream().map(c -> stage(c.getPackageName()))
                .filter(stage -> floor(stage) < 0).distinct().sorted().toList();
        assertEquals(List.of(), loose, "stages missing from FLOORS");
    }

    @Test
    void noTwoPackagesUseEachOther() {
        slices().matching("dev.reviewenv.(**)").should().beFreeOfCycles().check(classes);
    }

    @Test
    void onlyTheAdaptersImportTheLibrariesOfOutsideSystems() {
        for (String[] adapter : new String[][] {
                {"com.github.dockerjava", "engine.docker"}, {"redis.clients", "engine.redis"},
                {"org.eclipse.jgit", "engine.git"}, {"org.yaml.snakeyaml", "engine.compose"}}) {
            List<String> outside = new ArrayList<>(new TreeSet<>(classes.stream()
                    .filter(c -> !c.getPackageName().startsWith("dev.reviewenv." + adapter[1]))
                    .flatMap(c -> c.getDirectDependenciesFromSelf().stream())
                    .filter(d -> d.getTargetClass().getPackageName().startsWith(adapter[0]))
                    .map(d -> d.getOriginClass().getName()).toList()));
            assertEquals(List.of(), outside, adapter[0] + " is used outside dev.reviewenv." + adapter[1]);
        }
    }

    /**
     * What runs stacks stays below {@code StackEngine}: no stage above the engine names a concrete
     * engine (Compose's or the swarm's), nor the Docker adapter beyond its label names; they see the
     * narrow faces of {@code engine.stack} (images, endpoints, disk use) instead.
     */
    @Test
    void noStageAboveTheEngineNamesAConcreteEngineOrTheDockerAdapter() {
        List<String> named = new ArrayList<>(new TreeSet<>(classes.stream()
                .filter(c -> floor(stage(c.getPackageName())) < floor("engine") && floor(stage(c.getPackageName())) >= 0)
                .flatMap(c -> c.getDirectDependenciesFromSelf().stream())
                .filter(d -> concreteEngine(d.getTargetClass().getName()))
                .map(d -> d.getOriginClass().getName() + " -> " + d.getTargetClass().getName()).toList()));
        assertEquals(List.of(), named, "stages above the engine that name a concrete engine");
    }

    /** The classes of a concrete engine: the swarm's, Compose's stacks, and Docker's adapter (its label names aside). */
    static boolean concreteEngine(String className) {
        return className.startsWith("dev.reviewenv.engine.swarm.") || className.startsWith("dev.reviewenv.engine.compose.ComposeStacks")
                || className.startsWith("dev.reviewenv.engine.docker.") && !className.equals("dev.reviewenv.engine.docker.Labels")
                        && !className.equals("dev.reviewenv.engine.docker.Bridges");
    }

    @Test
    void theRuleAboveKnowsTheConcreteEngines() {
        assertEquals(List.of(true, true, true, true, false, false), List.of(concreteEngine("dev.reviewenv.engine.docker.DockerEngine"),
                concreteEngine("dev.reviewenv.engine.swarm.SwarmStacks"), concreteEngine("dev.reviewenv.engine.compose.ComposeStacks"),
                concreteEngine("dev.reviewenv.engine.docker.DockerImages"), concreteEngine("dev.reviewenv.engine.docker.Labels"),
                concreteEngine("dev.reviewenv.engine.stack.StackEngine")));
    }

    static boolean ours(String pkg) {
        return pkg.equals("dev.reviewenv") || pkg.startsWith("dev.reviewenv.");
    }

    /** The stage a package belongs to: its first name under dev.reviewenv ("" for the root). */
    static String stage(String pkg) {
        String rest = pkg.equals("dev.reviewenv") ? "" : pkg.substring("dev.reviewenv.".length());
        int dot = rest.indexOf('.');
        return dot < 0 ? rest : rest.substring(0, dot);
    }

    /** The floor of a stage, 0 at the top; -1 for a stage that is on none. */
    static int floor(String stage) {
        for (int i = 0; i < FLOORS.size(); i++) {
            if (FLOORS.get(i).contains(stage)) {
                return i;
            }
        }
        return -1;
    }
}
