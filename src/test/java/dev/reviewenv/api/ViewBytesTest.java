package dev.reviewenv.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.reviewenv.config.Limits;
import dev.reviewenv.engine.record.EnvironmentRecord;
import dev.reviewenv.environment.ResourceUse;
import dev.reviewenv.naming.Branch;
import dev.reviewenv.naming.EnvironmentName;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The kept JSON of each view: the same bytes Jackson writes, made again only when what the view is made of changed. */
class ViewBytesTest {
    private final ObjectMapper mapper = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private final ViewBytes views = new ViewBytes(mapper.writerFor(EnvironmentView.class));
    private final AtomicInteger made = new AtomicInteger();

    private static final EnvironmentRecord SHOP = EnvironmentRecord.first(EnvironmentName.of("shop"),
            new Branch("team/shop", "refs/heads/shop"), "0".repeat(40), "http://shop.localhost",
            Instant.parse("2026-12-01T10:00:00Z"), "job-1");
    private static final Limits LIMITS = new Limits(512L << 20, 1.5, 256);

    private EnvironmentView view(ViewBytes.Parts p, Long expiresIn) {
        made.incrementAndGet();
        return EnvironmentResource.view(p, expiresIn);
    }

    private String written(ViewBytes.Parts parts, Long expiresIn) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        views.write(out, parts, expiresIn, mark -> view(parts, mark));
        return out.toString(StandardCharsets.UTF_8);
    }

    private String jackson(ViewBytes.Parts parts, Long expiresIn) throws Exception {
        int before = made.get();
        String json = mapper.writeValueAsString(view(parts, expiresIn));
        made.set(before);
        return json;
    }

    @Test
    void theClocksFieldIsWrittenIntoTheKeptBytesAndTheRestIsMadeOncePerChange() throws Exception {
        Instant at = Instant.parse("2026-12-08T10:00:00Z");
        ViewBytes.Parts parts = new ViewBytes.Parts(SHOP, Optional.of(at), Optional.empty(), null, LIMITS);
        assertEquals(jackson(parts, 604800L), written(parts, 604800L));
        assertEquals(jackson(parts, 0L), written(parts, 0L), "a second later, or at the end");
        assertEquals(jackson(parts, 9_000_000_000L), written(parts, 9_000_000_000L));
        assertEquals(1, made.get(), "made once for all three");

        ViewBytes.Parts sampled = new ViewBytes.Parts(SHOP, Optional.of(at), Optional.of(at.minusSeconds(5)),
                new ResourceUse.Sample(1 << 20, 0.5, 3, at), LIMITS);
        assertEquals(jackson(sampled, 12L), written(sampled, 12L));
        ViewBytes.Parts moved = new ViewBytes.Parts(SHOP.withStatus(EnvironmentRecord.Status.RUNNING), Optional.of(at),
                Optional.of(at.minusSeconds(5)), new ResourceUse.Sample(1 << 20, 0.5, 3, at), LIMITS);
        assertEquals(jackson(moved, 12L), written(moved, 12L));
        assertEquals(3, made.get(), "made again for a new sample and for a new record");
    }

    @Test
    void aViewThatNeverExpiresIsKeptWhole() throws Exception {
        ViewBytes.Parts never = new ViewBytes.Parts(SHOP, Optional.empty(), Optional.empty(), null, LIMITS);
        assertEquals(jackson(never, null), written(never, null));
        assertEquals(jackson(never, null), written(never, null));
        assertEquals(1, made.get());
    }
}
