package dev.reviewenv.environment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reviewenv.engine.docker.DockerEngine;
import dev.reviewenv.engine.record.ImageLedger;
import dev.reviewenv.engine.record.RecordStore;
import dev.reviewenv.naming.EnvironmentName;
import dev.reviewenv.testsupport.Cmd;
import dev.reviewenv.testsupport.Docker;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against the real Docker engine: which images a release may remove. */
class ImageOwnershipTest {
    @TempDir
    Path records;
    DockerEngine docker;
    ImageLedger ledger;
    ImageOwnership ownership;
    String image;
    final EnvironmentName a = EnvironmentName.of("own-a");
    final EnvironmentName b = EnvironmentName.of("own-b");

    @BeforeEach
    void setUp() {
        docker = new DockerEngine();
        ledger = new ImageLedger(records);
        ownership = new ImageOwnership(ledger, docker, new RecordStore(records));
        image = "reviewenv-it/owned:" + UUID.randomUUID().toString().substring(0, 8);
        Cmd.ok("docker", "tag", "reviewenv/busybox:local", image);
    }

    @AfterEach
    void tearDown() throws Exception {
        Cmd.run(null, Map.of(), "docker", "rmi", image);
        docker.close();
    }

    @Test
    void anImageADeployBesideThisOneIsAboutToUseIsLeftUntilItIsPinnedNoMore() {
        ledger.locked(() -> {
            ledger.addPulled(Set.of(image));
            return null;
        });
        assertEquals(Set.of(), ownership.pinForDeploy(b, Set.of(image)), "on the host already: b pulls nothing");
        List<String> out = new ArrayList<>();
        ownership.release(a, Set.of(image), Set.of(), "image", out::add);
        assertTrue(out.contains("left image " + image + ": still used by own-b (deploying)"), out.toString());
        assertTrue(!Docker.imageId(image).isEmpty());

        ownership.unpin(b);
        out.clear();
        ownership.release(a, Set.of(image), Set.of(), "image", out::add);
        assertTrue(out.contains("removed image " + image), out.toString());
        assertEquals("", Docker.imageId(image));
        assertEquals(Set.of(), ledger.pulled(), "the ledger forgets what was removed");
    }

    @Test
    void anImageThatWasOnTheHostIsNeverReleasedAndAMissingOneIsReviewenvsOncePinned() {
        String missing = "reviewenv-it/not-here:" + UUID.randomUUID().toString().substring(0, 8);
        assertEquals(Set.of(missing), ownership.pinForDeploy(a, Set.of(image, missing)));
        assertEquals(Set.of(missing), ledger.pulled());
        ownership.unpin(a);
        List<String> out = new ArrayList<>();
        ownership.release(a, Set.of(image), Set.of(), "image", out::add);
        assertTrue(out.contains("kept image " + image + ": it was on the host before reviewenv needed it"), out.toString());
        assertTrue(!Docker.imageId(image).isEmpty());
    }
}
