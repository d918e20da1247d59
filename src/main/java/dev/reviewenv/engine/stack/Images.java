package dev.reviewenv.engine.stack;

import dev.reviewenv.naming.EnvironmentName;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The host's image store as the stages above the engines see it: what is there, whose build an
 * image is (reviewenv's label), who runs it, and the removal of one image, never forced.
 */
public interface Images {
    /** Whether the image (a reference or an id) is on the host. */
    boolean exists(String image);

    /** The environment an image was built for (its reviewenv label); empty for any other image, or none. */
    Optional<String> environmentOf(String image);

    /** The ids of the images built for the environment (they carry its label), in use or not. */
    Set<String> builtFor(EnvironmentName name);

    /** The ids of the images the environment's containers on this host run. */
    Set<String> runBy(EnvironmentName name);

    /** The compose projects or stacks (or container names) of the containers, in any state, that run the image. */
    Set<String> users(String image);

    /** The size of an image in bytes; empty when it is not on the host. */
    OptionalLong size(String image);

    /** Removes one image, never forced: false when a container still uses it. "Not found" counts as removed. */
    boolean remove(String image);
}
