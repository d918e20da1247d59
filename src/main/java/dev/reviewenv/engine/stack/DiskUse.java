package dev.reviewenv.engine.stack;

import java.nio.file.Path;
import java.util.Map;

/** What the environments hold on this host's disk, as the stages above the engines see it. */
public interface DiskUse {
    /** Where the engine keeps images, containers and volumes (the file system the disk floor watches). */
    Path dataRoot();

    /**
     * The bytes each environment holds, by reviewenv's label: its volumes, what its containers wrote
     * (and logged), the images built for it. Slow (volumes are walked): for when the disk is short.
     */
    Map<String, Long> byEnvironment();
}
