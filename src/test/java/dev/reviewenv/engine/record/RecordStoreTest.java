package dev.reviewenv.engine.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reviewenv.naming.Branch;
import dev.reviewenv.naming.EnvironmentName;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The records on disk and the two indexes kept with them: names in order, and the environment of each branch. */
class RecordStoreTest {
    @TempDir
    Path root;

    static EnvironmentRecord record(String name, String repository, String branch) {
        return EnvironmentRecord.first(EnvironmentName.of(name), new Branch(repository, "refs/heads/" + branch), "0".repeat(40),
                "http://" + name + ".localhost", Instant.parse("2026-12-01T10:00:00Z"), "job-" + name);
    }

    static List<String> names(List<EnvironmentRecord> records) {
        return records.stream().map(EnvironmentRecord::name).toList();
    }

    @Test
    void aBranchIsFoundByTheIndexAndForgottenWhenItsRecordIsDeleted() {
        RecordStore store = new RecordStore(root);
        Branch login = new Branch("team/shop", "refs/heads/login");
        assertEquals(Optional.empty(), store.findByBranch(login));
        store.write(record("login", "team/shop", "login"));
        store.write(record("login-2f3a", "team/other", "login"));
        assertEquals("login", store.findByBranch(login).orElseThrow().name());
        assertEquals("login-2f3a", store.findByBranch(new Branch("team/other", "refs/heads/login")).orElseThrow().name());
        store.delete(EnvironmentName.of("login"));
        assertEquals(Optional.empty(), store.findByBranch(login));
    }

    @Test
    void aRecordRestoredOrRemovedByHandIsSeen() throws Exception {
        RecordStore store = new RecordStore(root);
        store.write(record("a", "team/shop", "a"));
        assertEquals(List.of("a"), names(store.page(null, 10, r -> true)));
        // An operator restores a record from a backup, by hand: the directory changed.
        RecordStore elsewhere = new RecordStore(root);
        elsewhere.write(record("b", "team/shop", "b"));
        assertEquals(List.of("a", "b"), names(store.page(null, 10, r -> true)));
        assertEquals("b", store.findByBranch(new Branch("team/shop", "refs/heads/b")).orElseThrow().name());
        elsewhere.delete(EnvironmentName.of("a"));
        assertEquals(List.of("b"), names(store.page(null, 10, r -> true)));
        assertEquals(Optional.empty(), store.findByBranch(new Branch("team/shop", "refs/heads/a")));
    }

    @Test
    void pagesAreInNameOrderAfterTheLastNameAndFiltered() throws Exception {
        RecordStore store = new RecordStore(root);
        for (String n : List.of("e", "c", "a", "d", "b")) {
            store.write(record(n, n.compareTo("c") <= 0 ? "team/one" : "team/two", n));
        }
        Files.createDirectories(root.resolve("half-made")); // no environment.json: not a record
        assertEquals(List.of("a", "b"), names(store.page(null, 2, r -> true)));
        assertEquals(List.of("c", "d"), names(store.page("b", 2, r -> true)));
        assertEquals(List.of("e"), names(store.page("d", 2, r -> true)));
        assertEquals(List.of(), names(store.page("e", 2, r -> true)));
        assertEquals(List.of("d", "e"), names(store.page(null, 10, r -> r.repository().equals("team/two"))));
        assertEquals(List.of("a", "b", "c", "d", "e"), names(store.list()));
        assertTrue(store.page("bb", 1, r -> true).get(0).name().equals("c"), "after a name that has no record");
    }

    @Test
    void aRecordIsWrittenWholeReadBackAsItWasAndReadAgainOnceEditedByHand() throws Exception {
        RecordStore store = new RecordStore(root);
        EnvironmentName name = EnvironmentName.of("shop");
        EnvironmentRecord written = record("shop", "team/shop", "shop").withStatus(EnvironmentRecord.Status.TEARDOWN_FAILED);
        store.write(written);
        assertEquals(written, store.read(name).orElseThrow());
        String json = Files.readString(store.dir(name).resolve(RecordStore.ENVIRONMENT));
        assertTrue(json.contains("\"status\" : \"teardown-failed\""), "the status by its key: " + json);
        try (var files = Files.list(store.dir(name))) {
            assertEquals(List.of(RecordStore.ENVIRONMENT), files.map(f -> f.getFileName().toString()).toList(), "no temp file is left");
        }
        Files.writeString(store.dir(name).resolve(RecordStore.ENVIRONMENT), json.replace("teardown-failed", "running"));
        assertEquals(EnvironmentRecord.Status.RUNNING, store.read(name).orElseThrow().status());
        Files.writeString(store.dir(name).resolve(RecordStore.ENVIRONMENT), json.replace("teardown-failed", "dancing"));
        assertThrows(RuntimeException.class, () -> store.read(name), "a status that is none is not guessed at");
    }

    @Test
    void theTimesBesideARecordAreReadAsEpochSecondsAndAGarbledOneIsReportedWithItsFix() throws Exception {
        RecordStore store = new RecordStore(root);
        EnvironmentName name = EnvironmentName.of("shop");
        Instant at = Instant.parse("2026-12-02T10:00:00Z");
        store.writeLastRequest(name, at);
        assertEquals(Optional.empty(), store.lastRequest(name), "no record: no time of the last request is kept");
        store.write(record("shop", "team/shop", "shop"));
        store.writeRemoveAt(name, Optional.of(at));
        store.writeLastRequest(name, at);
        assertEquals(Optional.of(at), store.removeAt(name));
        assertEquals(Optional.of(at), store.lastRequest(name));
        assertEquals(at.getEpochSecond() + "\n", Files.readString(store.dir(name).resolve(RecordStore.REMOVE_AT)));
        Files.writeString(store.dir(name).resolve(RecordStore.REMOVE_AT), "tomorrow\n");
        IllegalStateException garbled = assertThrows(IllegalStateException.class, () -> store.removeAt(name));
        assertTrue(garbled.getMessage().endsWith("removeat: expected epoch seconds on one line, e.g. 1767225600"), garbled.getMessage());
        store.writeRemoveAt(name, Optional.empty());
        assertEquals(Optional.empty(), store.removeAt(name), "never");
        store.delete(name);
        assertFalse(Files.exists(store.dir(name)));
        assertEquals(Optional.empty(), store.read(name));
        assertEquals(Optional.empty(), store.lastRequest(name));
    }

    @Test
    void viewsShareALookAtTheFilesForASecondAndSeeEveryWriteOfTheirOwnStoreAtOnce() throws Exception {
        java.util.concurrent.atomic.AtomicLong nanos = new java.util.concurrent.atomic.AtomicLong();
        RecordStore store = new RecordStore(root, nanos::get);
        EnvironmentName name = EnvironmentName.of("shop");
        Instant at = Instant.ofEpochSecond(1767225600);
        store.write(record("shop", "team/shop", "shop"));
        store.writeRemoveAt(name, Optional.of(at));
        assertEquals(EnvironmentRecord.Status.DEPLOYING, store.page(null, 10, r -> true).get(0).status());
        assertEquals(Optional.of(at), store.removeAtForView(name));

        // Edited by another process (or by hand) in the same second: views still show the last look, reads do not.
        Path json = store.dir(name).resolve(RecordStore.ENVIRONMENT);
        Files.writeString(json, Files.readString(json).replace("\"deploying\"", "\"running\""));
        Files.writeString(store.dir(name).resolve(RecordStore.REMOVE_AT), (at.getEpochSecond() + 60) + "\n");
        nanos.addAndGet(RecordStore.VIEW_LOOK_NANOS - 1);
        assertEquals(EnvironmentRecord.Status.DEPLOYING, store.page(null, 10, r -> true).get(0).status(), "within the second");
        assertEquals(Optional.of(at), store.removeAtForView(name), "within the second");
        assertEquals(Optional.of(at.plusSeconds(60)), store.removeAt(name), "a read that is no view looks");
        assertEquals(EnvironmentRecord.Status.RUNNING, store.read(name).orElseThrow().status(), "a read that is no view looks");

        // A second later the views look again; a write of this store is seen by them at once.
        nanos.addAndGet(RecordStore.VIEW_LOOK_NANOS);
        EnvironmentRecord unlooked = store.page(null, 10, r -> true).get(0);
        nanos.addAndGet(RecordStore.VIEW_LOOK_NANOS);
        assertEquals(EnvironmentRecord.Status.RUNNING, store.page(null, 10, r -> true).get(0).status());
        assertEquals(Optional.of(at.plusSeconds(60)), store.removeAtForView(name));
        store.write(unlooked.withStatus(EnvironmentRecord.Status.TEARDOWN_FAILED));
        store.writeRemoveAt(name, Optional.empty());
        assertEquals(EnvironmentRecord.Status.TEARDOWN_FAILED, store.page(null, 10, r -> true).get(0).status(), "its own write");
        assertEquals(Optional.empty(), store.removeAtForView(name), "its own write: never expires");

        // The last request: looked at once, then as this store knows it (it writes every one it reads from Traefik's log).
        assertEquals(Optional.empty(), store.lastRequestSeen(name));
        store.writeLastRequest(name, at);
        assertEquals(Optional.of(at), store.lastRequestSeen(name));
        assertEquals(Optional.of(at), store.lastRequest(name));
    }
}
