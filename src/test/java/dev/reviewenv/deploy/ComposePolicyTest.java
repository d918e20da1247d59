package dev.reviewenv.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reviewenv.config.PolicyRule;
import dev.reviewenv.engine.compose.ComposeDocument;
import dev.reviewenv.engine.compose.ComposeFileException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class ComposePolicyTest {
    static final Path CHECKOUT = Path.of("/ws/x/abc");

    static List<HostileCompose.Case> cases() {
        return HostileCompose.cases();
    }

    static ComposePolicy.Verdict enforce(String yaml, Set<PolicyRule> allowed) {
        Map<String, Object> doc = ComposeDocument.parse("docker-compose.yml", yaml);
        return ComposePolicy.enforce("docker-compose.yml", doc, "x", CHECKOUT, allowed);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void aHostileComposeFileIsRefusedNamingFilePathAndFix(HostileCompose.Case c) {
        ComposeFileException e = assertThrows(ComposeFileException.class, () -> enforce(c.compose(), EnumSet.noneOf(PolicyRule.class)));
        assertTrue(e.getMessage().startsWith("docker-compose.yml:"), e.getMessage());
        assertTrue(e.getMessage().contains(c.expected()), c.title() + ": " + e.getMessage());
    }

    @Test
    void everyViolationIsListedAtOnce() {
        var e = assertThrows(ComposeFileException.class, () -> enforce(HostileCompose.web(
                "    privileged: true\n    ports: [\"80:80\"]\n    container_name: x\n    volumes: [\"/:/h\"]\n"), Set.of()));
        assertEquals(4, e.problems().size(), e.problems().toString());
    }

    @Test
    void whatAnAdaptationLeavesIsNeverRefusedAndWhatItWouldHaveRewrittenIs() {
        assertThrows(ComposeFileException.class, () -> enforce(HostileCompose.web("    restart: always\n"), Set.of()));
        assertEquals(List.of(), enforce(HostileCompose.web("    restart: \"no\"\n"), Set.of()).relaxed());
        assertEquals(List.of(), enforce(HostileCompose.web("    volumes:\n      - {type: bind, source: /ws/x/abc, target: /src,"
                + " read_only: true}\n"), Set.of()).relaxed(), "a read-only bind of the checkout");
    }

    @Test
    void whatIsHarmlessPasses() {
        var verdict = enforce("""
                services:
                  web:
                    build: {context: ./app, dockerfile: Dockerfile.dev}
                    expose: ["8080"]
                    volumes: ["data:/data", "/anonymous"]
                    env_file: [.env]
                    networks: [back]
                    security_opt: ["no-new-privileges:true"]
                    tmpfs: [/tmp]
                  db:
                    image: postgres
                    network_mode: "service:web"
                networks:
                  back: {}
                volumes:
                  data: {}
                """, Set.of());
        assertEquals(List.of(), verdict.relaxed());
    }

    @Test
    void aTrustedRepositoryIsAllowedOnlyTheRulesItNames() {
        var verdict = enforce(HostileCompose.web("    ports: [\"80:8080\"]\n"), EnumSet.of(PolicyRule.PORTS));
        assertEquals(1, verdict.relaxed().size());
        assertEquals(PolicyRule.PORTS, verdict.relaxed().get(0).rule());
        assertThrows(ComposeFileException.class,
                () -> enforce(HostileCompose.web("    ports: [\"80:8080\"]\n    privileged: true\n"), EnumSet.of(PolicyRule.PORTS)));
        var e = assertThrows(IllegalArgumentException.class, () -> ComposePolicy.rules(List.of("everything")));
        assertTrue(e.getMessage().contains("privileged"), e.getMessage());
    }

    @Test
    void aKeyThePolicyDoesNotKnowIsRefusedNamingItsPathAndNoTrustRelaxesIt() {
        var e = assertThrows(ComposeFileException.class, () -> enforce(HostileCompose.web("    brand_new_key: 1\n"),
                EnumSet.allOf(PolicyRule.class)));
        assertTrue(e.getMessage().contains("services.web.brand_new_key: not allowed in a review environment"), e.getMessage());
        var top = assertThrows(ComposeFileException.class, () -> enforce(HostileCompose.web("models:\n  m: {}\n"), Set.of()));
        assertTrue(top.getMessage().contains("models: not allowed"), top.getMessage());
    }

    @Test
    void namespacesMayOnlyBeThoseOfTheEnvironmentsOwnServices() {
        assertEquals(List.of(), enforce("""
                services:
                  web: {image: x, expose: [80]}
                  db: {image: y, network_mode: "service:web", ipc: "service:web", pid: "service:web"}
                """, Set.of()).relaxed());
        var e = assertThrows(ComposeFileException.class, () -> enforce("""
                services:
                  web: {image: x, expose: [80], network_mode: "service:elsewhere", ipc: "container:x", pid: "host"}
                """, Set.of()));
        assertEquals(3, e.problems().size(), e.problems().toString());
    }

    @Test
    void labelsOnlyReviewenvAndComposeSetAreRefusedWhereverTheyAre() {
        var e = assertThrows(ComposeFileException.class, () -> enforce("""
                services:
                  web:
                    image: x
                    expose: [80]
                    labels: {dev.reviewenv.environment: other}
                    build: {context: ., labels: ["com.docker.compose.project=other"]}
                networks:
                  n: {labels: {com.docker.compose.network: x}}
                """, EnumSet.allOf(PolicyRule.class)));
        assertEquals(3, e.problems().size(), e.problems().toString());
    }

    @Test
    void theNamesComposeGivesByItselfAreFineAndAnyOtherIsAnotherEnvironments() {
        String named = "services:\n  web: {image: x, expose: [80], volumes: [\"data:/d\"]}\nvolumes:\n  data: {name: %s}\n";
        assertEquals(List.of(), enforce(named.formatted("x_data"), Set.of()).relaxed());
        var e = assertThrows(ComposeFileException.class, () -> enforce(named.formatted("main_data"), Set.of()));
        assertTrue(e.getMessage().contains("volumes.data.name"), e.getMessage());
    }

}
