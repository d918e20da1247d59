package dev.reviewenv.environment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reviewenv.engine.compose.ComposeStacks;
import dev.reviewenv.engine.docker.DockerEngine;
import dev.reviewenv.engine.record.ImageLedger;
import dev.reviewenv.engine.record.RecordStore;
import dev.reviewenv.naming.EnvironmentName;
import dev.reviewenv.testsupport.Cmd;
import dev.reviewenv.testsupport.Docker;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
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
        ownership = new ImageOwnership(ledger, docker.images(), new ComposeStacks(null, docker), new RecordStore(records), 0, Clock.systemUTC());
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
            ledger.addPulled(Set.of(image), Instant.now());
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

    @Test
    void theImageCacheKeepsAPulledImageForTheNextDeployAndTrimsTheLeastRecentlyUsedPastItsBudget() {
        String older = "reviewenv-it/cached-old:" + UUID.randomUUID().toString().substring(0, 8);
        String newer = "reviewenv-it/cached-new:" + UUID.randomUUID().toString().substring(0, 8);
        try {
            long size = docker.images().size(image).orElseThrow();
            Instant t0 = Instant.parse("2026-11-01T00:00:00Z");
            ImageOwnership day1 = new ImageOwnership(ledger, docker.images(), new ComposeStacks(null, docker), new RecordStore(records), 10 * size, Clock.fixed(t0, ZoneOffset.UTC));
            ImageOwnership day2 = new ImageOwnership(ledger, docker.images(), new ComposeStacks(null, docker), new RecordStore(records), 10 * size,
                    Clock.fixed(t0.plusSeconds(86400), ZoneOffset.UTC));
            // Not on the host: the deploys pull them (here: tag them, as a pull would put them there).
            assertEquals(Set.of(older), day1.pinForDeploy(a, Set.of(older)));
            Cmd.ok("docker", "tag", image, older);
            assertEquals(Set.of(newer), day2.pinForDeploy(b, Set.of(newer)));
            Cmd.ok("docker", "tag", image, newer);
            day1.unpin(a);
            day2.unpin(b);

            List<String> out = new ArrayList<>();
            day2.release(a, Set.of(older), Set.of(), "image", out::add);
            assertTrue(out.contains("kept image " + older + " in the image cache for the next deploy that needs it"), out.toString());
            assertTrue(!Docker.imageId(older).isEmpty(), "the cache keeps the pulled image");
            assertEquals(Set.of(), day1.pinForDeploy(a, Set.of(older)), "the next deploy finds it on the host and pulls nothing");
            day1.unpin(a);

            assertEquals(List.of(older, newer), day2.cached().stream().map(ImageOwnership.Cached::ref).toList(),
                    "both unused, the one used longest ago first");
            out.clear();
            long freed = day2.trimCache(size, out::add);
            assertEquals(size, freed, out.toString());
            assertEquals("", Docker.imageId(older), "past the budget, the least recently used goes: " + out);
            assertTrue(!Docker.imageId(newer).isEmpty(), "the newer one fits the budget and stays");
            assertEquals(Set.of(newer), ledger.pulled());
            assertTrue(!Docker.imageId(image).isEmpty(), "an image that was on the host before is never trimmed");
        } finally {
            Cmd.run(null, Map.of(), "docker", "rmi", older);
            Cmd.run(null, Map.of(), "docker", "rmi", newer);
        }
    }
}
