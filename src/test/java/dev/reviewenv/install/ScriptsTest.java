package dev.reviewenv.install;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.reviewenv.testsupport.Cmd;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every shell script the project installs or runs passes shellcheck (warnings and errors); deploy/test.sh installs it. */
class ScriptsTest {
    static final List<String> SCRIPTS = List.of("deploy/install.sh", "deploy/uninstall.sh", "deploy/host-deps.sh", "deploy/start.sh",
            "deploy/test.sh", "deploy/new-repo.sh", "deploy/await-ready", "deploy/traefik-image", "deploy/traefik-prepare",
            "hooks/post-receive", "reaper/reviewenv-reap", "traefik/run.sh", "bench/run.sh", ".ci/run");

    @Test
    void shellcheckFindsNoWarning() {
        List<String> argv = new ArrayList<>(List.of("shellcheck", "-S", "warning"));
        argv.addAll(SCRIPTS);
        Cmd.Out out = Cmd.run(null, Map.of(), argv.toArray(String[]::new));
        assertEquals(0, out.code(), out.text());
    }
}
