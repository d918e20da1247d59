package dev.reviewenv;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.reviewenv.testsupport.Cmd;
import dev.reviewenv.testsupport.HostServices;
import dev.reviewenv.testsupport.JarService;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The API's description can be trusted: schemathesis (PyPI, installed by deploy/test.sh) runs
 * every check it has against the packaged service from its own /q/openapi, generating requests
 * valid and invalid, and finds nothing: every status is documented, valid requests are taken,
 * invalid ones refused, 405s and OPTIONS name the allowed methods.
 */
class OpenApiIT {
    static final String ST = System.getenv().getOrDefault("REVIEWENV_SCHEMATHESIS", "/opt/reviewenv/tools/bin/st");

    JarService service;

    @BeforeEach
    void setUp() throws Exception {
        service = new JarService(false);
        service.env.put("REVIEWENV_REAPER_EVERY", "1h");
        service.start();
    }

    @AfterEach
    void tearDown() {
        service.close();
    }

    @Test
    void schemathesisWithEveryCheckFindsNothing() {
        // In target/: schemathesis keeps its example database in the directory it runs in.
        Cmd.Out run = Cmd.run(Path.of("target"), Map.of(), ST, "run", service.url() + "/q/openapi", "--checks", "all",
                "-H", "Authorization: Bearer " + HostServices.TOKEN, "--max-examples", "50", "--no-color", "--seed", "20261122");
        assertEquals(0, run.code(), run.text());
    }
}
