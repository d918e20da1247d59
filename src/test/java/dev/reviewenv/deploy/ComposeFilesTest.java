package dev.reviewenv.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reviewenv.engine.compose.ComposeFileException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ComposeFilesTest {
    @TempDir
    Path tmp;
    Path checkout;

    @BeforeEach
    void realCheckout() throws Exception {
        checkout = Files.createDirectories(tmp.resolve("co")).toRealPath();
    }

    ComposeFiles.Read read(String compose) throws Exception {
        Files.writeString(checkout.resolve("docker-compose.yml"), compose);
        return ComposeFiles.read(ComposeSource.locate(checkout, Optional.empty(), Optional.empty(), Path.of("compose-templates")), checkout);
    }

    @Test
    void filesComposeReadsAreFollowedThroughIncludeAndExtendsAndMustStayInside() throws Exception {
        Files.createDirectories(checkout.resolve("sub"));
        Files.writeString(checkout.resolve("sub/inc.yml"), "services:\n  i:\n    image: x\n    env_file: ../../outside.env\n");
        var e = assertThrows(ComposeFileException.class, () -> read("include: [sub/inc.yml]\nservices:\n  w: {image: x}\n"));
        assertTrue(e.getMessage().contains("sub/inc.yml: services.i.env_file: '../../outside.env' is outside"), e.getMessage());
        Files.writeString(checkout.resolve("sub/inc.yml"), "services:\n  i:\n    image: x\n    env_file: ../app.env\n");
        Files.writeString(checkout.resolve("app.env"), "A=1\n");
        assertEquals("x", ((java.util.Map<?, ?>) ((java.util.Map<?, ?>) read("include: [sub/inc.yml]\nservices:\n  w: {image: x}\n")
                .written().get("services")).get("w")).get("image"));
    }

    @Test
    void aPathKnownOnlyAfterInterpolationOrOfAnotherKindIsRefused() {
        var e = assertThrows(ComposeFileException.class, () -> read("""
                services:
                  w:
                    image: x
                    env_file: ${E:-/etc/passwd}
                    label_file: ~/labels
                    extends: {file: "https://example.invalid/x.yml", service: s}
                """));
        assertEquals(3, e.problems().size(), e.problems().toString());
        assertTrue(e.problems().stream().anyMatch(p -> p.startsWith("services.w.env_file: '${E:-/etc/passwd}' is only known after interpolation")),
                e.problems().toString());
    }

    @Test
    void anIncludedBombFailsBeforeComposeReadsIt() throws Exception {
        StringBuilder bomb = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x]\n");
        for (char c = 'b'; c <= 'j'; c++) {
            bomb.append(c).append(": &").append(c).append(" [").append(("*" + (char) (c - 1) + ",").repeat(8)).append('*').append((char) (c - 1)).append("]\n");
        }
        Files.writeString(checkout.resolve("bomb.yml"), bomb.toString());
        var e = assertThrows(ComposeFileException.class, () -> read("include: [bomb.yml]\nservices:\n  w: {image: x}\n"));
        assertTrue(e.getMessage().startsWith("bomb.yml:"), e.getMessage());
    }
}
