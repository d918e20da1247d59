package dev.reviewenv.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reviewenv.engine.compose.ComposeDocument;
import dev.reviewenv.engine.compose.ComposeFileException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ComposeSourceTest {
    @TempDir
    Path checkout;

    static final Path TEMPLATES = Path.of("compose-templates");

    @Test
    void theBranchsOwnFileWinsOverTheTemplate() throws Exception {
        Files.writeString(checkout.resolve("docker-compose.yml"), "services: {own: {image: x}}\n");
        var found = ComposeSource.locate(checkout, Optional.empty(), Optional.empty(), TEMPLATES);
        assertEquals("docker-compose.yml", found.label());
    }

    @Test
    void aBranchWithoutAComposeFileGetsTheDefaultTemplateWhichIsDeployable() {
        var found = ComposeSource.locate(checkout, Optional.empty(), Optional.empty(), TEMPLATES);
        assertEquals("template default.yml", found.label());
        var doc = ComposeDocument.parse(found.label(), found.text());
        ComposeDocument.requireValid(found.label(), doc);
        var r = ComposeRenderer.render(found.label(), doc, doc, dev.reviewenv.naming.EnvironmentName.of("main"), "c0ffee", checkout, false);
        assertEquals("web", r.service());
        assertEquals(8080, r.port());
    }

    @Test
    void aConfiguredPathIsUsedAndAMissingOneSaysWhatToDo() throws Exception {
        Files.createDirectories(checkout.resolve("deploy"));
        Files.writeString(checkout.resolve("deploy/review.yml"), "services: {}\n");
        assertEquals("deploy/review.yml",
                ComposeSource.locate(checkout, Optional.of("deploy/review.yml"), Optional.empty(), TEMPLATES).label());
        var e = assertThrows(ComposeFileException.class, () -> ComposeSource.locate(checkout, Optional.of("nope.yml"),
                Optional.of("missing.yml"), TEMPLATES));
        assertTrue(e.getMessage().contains("commit a docker-compose.yml"), e.getMessage());
    }

    @Test
    void aComposeFileThatIsALinkIsRefused() throws Exception {
        Files.createSymbolicLink(checkout.resolve("docker-compose.yml"), Path.of("/etc/passwd"));
        var e = assertThrows(ComposeFileException.class,
                () -> ComposeSource.locate(checkout, Optional.empty(), Optional.empty(), TEMPLATES));
        assertTrue(e.getMessage().contains("symbolic link"), e.getMessage());
    }
}
