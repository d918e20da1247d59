package dev.reviewenv.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reviewenv.config.Limits;
import dev.reviewenv.engine.compose.ComposeDocument;
import dev.reviewenv.engine.compose.ComposeFileException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResourceLimitsTest {
    static final Limits HOST = new Limits(1L << 30, 1, 512);
    static final String RAISE = "reviewenv.repositories.\"team/shop\".limits";

    static Map<String, Object> model(String yaml) {
        return ComposeDocument.parse("compose.yml", yaml);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> service(Map<String, Object> doc, String name) {
        return (Map<String, Object>) ((Map<String, Object>) doc.get("services")).get(name);
    }

    @Test
    void aServiceThatAsksNothingGetsTheHostsLimits() {
        Map<String, Object> doc = model("services:\n  web:\n    image: busybox\n");
        var lines = ResourceLimits.apply("compose.yml", doc, HOST, RAISE);
        Map<String, Object> web = service(doc, "web");
        assertEquals(1L << 30, web.get("mem_limit"));
        assertEquals(1.0, web.get("cpus"));
        assertEquals(512L, web.get("pids_limit"));
        assertEquals("services.web: memory 1g, cpus 1, pids 512", lines.get(0));
    }

    @Test
    void lessIsKeptAndDeployLimitsMoveToTheServiceKeysBothComposeVersionsApply() {
        // As Compose v2 resolves it: sizes in bytes as strings.
        Map<String, Object> doc = model("services:\n  web:\n    image: busybox\n    mem_limit: '268435456'\n    cpus: 0.25\n"
                + "  db:\n    image: busybox\n    deploy:\n      resources:\n        limits: {memory: '536870912', cpus: 0.5, pids: 64}\n"
                + "        reservations: {memory: 10m}\n");
        ResourceLimits.apply("compose.yml", doc, HOST, RAISE);
        assertEquals(256L << 20, service(doc, "web").get("mem_limit"));
        assertEquals(0.25, service(doc, "web").get("cpus"));
        Map<String, Object> db = service(doc, "db");
        assertEquals(512L << 20, db.get("mem_limit"));
        assertEquals(0.5, db.get("cpus"));
        assertEquals(64L, db.get("pids_limit"));
        @SuppressWarnings("unchecked")
        Map<String, Object> resources = (Map<String, Object>) ((Map<String, Object>) db.get("deploy")).get("resources");
        assertFalse(resources.containsKey("limits"), "the deploy limits moved: " + resources);
        assertTrue(resources.containsKey("reservations"));
    }

    @Test
    void moreOrNoLimitIsRefusedNamingTheKeyTheLimitAndWhoRaisesIt() {
        Map<String, Object> doc = model("services:\n  web:\n    image: busybox\n    mem_limit: 4g\n    cpus: 2\n    pids_limit: -1\n"
                + "    cpu_quota: 50000\n    memswap_limit: -1\n");
        ComposeFileException e = assertThrows(ComposeFileException.class, () -> ResourceLimits.apply("compose.yml", doc, HOST, RAISE));
        String m = e.getMessage();
        assertTrue(m.contains("services.web.mem_limit: 4g is more memory than a review service may have (1g)"), m);
        assertTrue(m.contains(RAISE + ".memory"), m);
        assertTrue(m.contains("services.web.cpus: 2 is more CPU"), m);
        assertTrue(m.contains("services.web.pids_limit: -1 is more processes"), m);
        assertTrue(m.contains("services.web.cpu_quota: reviewenv limits CPU with cpus"), m);
        assertTrue(m.contains("services.web.memswap_limit: -1 must lie between"), m);
    }

    @Test
    void aTrustedRepositoryWithRaisedLimitsGetsWhatItAsks() {
        Map<String, Object> doc = model("services:\n  web:\n    image: busybox\n    mem_limit: 4g\n    cpus: 2\n");
        ResourceLimits.apply("compose.yml", doc, new Limits(8L << 30, 4, 4096), RAISE);
        assertEquals(4L << 30, service(doc, "web").get("mem_limit"));
        assertEquals(2.0, service(doc, "web").get("cpus"));
        assertEquals(4096L, service(doc, "web").get("pids_limit"));
    }

    @Test
    void sizesAreReadAsComposeWritesThem() {
        assertEquals(1536L << 20, ResourceLimits.bytes("1.5g"));
        assertEquals(512L << 20, ResourceLimits.bytes("512M"));
        assertEquals(512L << 20, ResourceLimits.bytes("512mb"));
        assertEquals(1000, ResourceLimits.bytes(1000));
        assertEquals(-1, ResourceLimits.bytes("lots"));
    }
}
