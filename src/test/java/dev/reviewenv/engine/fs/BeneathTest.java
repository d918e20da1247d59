package dev.reviewenv.engine.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BeneathTest {
    @TempDir
    Path tmp;
    Path root;

    @BeforeEach
    void tree() throws Exception {
        root = Files.createDirectories(tmp.resolve("checkout")).toRealPath();
        Files.createDirectories(root.resolve("dir/sub"));
        Files.writeString(root.resolve("dir/sub/file"), "x");
    }

    @Test
    void plainPathsAndInnerLinksStayInside() throws Exception {
        Files.createSymbolicLink(root.resolve("link"), Path.of("dir/sub"));
        Files.createSymbolicLink(root.resolve("dir/up"), Path.of(".."));
        assertEquals(Optional.of(root.resolve("dir/sub/file")), Beneath.resolve(root, Path.of("link/file")));
        assertEquals(Optional.of(root.resolve("dir/sub/file")), Beneath.resolve(root, Path.of("dir/up/dir/sub/file")));
        assertEquals(Optional.of(root.resolve("dir/sub/file")), Beneath.resolve(root, root.resolve("dir/sub/../sub/file")));
        assertEquals(Optional.of(root.resolve("not/yet")), Beneath.resolve(root, Path.of("not/yet")), "a path that does not exist yet");
    }

    @Test
    void aChainOfDotLinksCannotClimbOutThoughItLooksInsideOnPaper() throws Exception {
        // a -> . makes a/a/a/.. the parent of the checkout, while the text normalizes to inside.
        Files.createSymbolicLink(root.resolve("a"), Path.of("."));
        Files.createSymbolicLink(root.resolve("x"), Path.of("a/a/a/../../../tmp/f"));
        assertEquals(root.resolve("tmp/f"), root.resolve("a/a/a/../../../tmp/f").normalize(), "lexically it is inside");
        assertFalse(Beneath.stays(root, Path.of("x")));
        Files.createSymbolicLink(root.resolve("y"), Path.of("a/../dir"));
        assertFalse(Beneath.stays(root, Path.of("y")), "a/.. is the checkout's parent");
    }

    @Test
    void absoluteAndParentLinksLeave() throws Exception {
        Files.createSymbolicLink(root.resolve("abs"), Path.of("/etc"));
        Files.createSymbolicLink(root.resolve("up"), Path.of("../.."));
        Files.createSymbolicLink(root.resolve("self"), root.resolve("dir"));
        Files.createSymbolicLink(root.resolve("loop"), Path.of("loop"));
        assertFalse(Beneath.stays(root, Path.of("abs/passwd")));
        assertFalse(Beneath.stays(root, Path.of("up")));
        assertFalse(Beneath.stays(root, Path.of("../checkout/dir")), "no way up, even back in");
        assertFalse(Beneath.stays(root, Path.of("/etc/passwd")));
        assertFalse(Beneath.stays(root, Path.of("loop")));
        assertTrue(Beneath.stays(root, Path.of("self/sub")), "an absolute link into the checkout stays");
    }
}
