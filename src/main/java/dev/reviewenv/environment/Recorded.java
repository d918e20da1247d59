package dev.reviewenv.environment;

import dev.reviewenv.config.ReviewenvConfig;
import dev.reviewenv.engine.git.Workspaces;
import dev.reviewenv.engine.record.EnvironmentRecord;
import dev.reviewenv.engine.record.RecordStore;
import dev.reviewenv.engine.stack.StackEngine;
import dev.reviewenv.engine.traefik.RouteFiles;
import dev.reviewenv.engine.traefik.TraefikContainer;
import dev.reviewenv.naming.Address;
import dev.reviewenv.naming.EnvironmentName;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What an environment's record stands for, derived in one place: the stack the engine runs (its
 * recorded compose file and its checkout) and the route that reaches it. A deploy that fails,
 * a sleep, a wake and a teardown all bring back or end what the record says, the same way.
 */
@Singleton
public class Recorded {
    private final RecordStore records;
    private final Workspaces workspaces;
    private final RouteFiles routes;
    private final TraefikContainer traefik;
    private final ReviewenvConfig config;

    public Recorded(RecordStore records, Workspaces workspaces, RouteFiles routes, TraefikContainer traefik,
            ReviewenvConfig config) {
        this.records = records;
        this.workspaces = workspaces;
        this.routes = routes;
        this.traefik = traefik;
        this.config = config;
    }

    /** The environment's stack: its recorded compose file, and {@code checkout} for its build contexts (null: none). */
    public StackEngine.Stack stack(EnvironmentName name, Path checkout) {
        return new StackEngine.Stack(name, records.composeFile(name), checkout);
    }

    /** The stack the record stands for: its compose file, and the checkout of its commit while it is there. */
    public StackEngine.Stack stack(EnvironmentRecord record) {
        return stack(record.environmentName(), Optional.of(record));
    }

    /** The stack of {@code name}, whose record may be gone (a teardown of what was left): then without a checkout. */
    public StackEngine.Stack stack(EnvironmentName name, Optional<EnvironmentRecord> record) {
        return stack(name, record.flatMap(r -> workspaces.existing(name, r.commit())).orElse(null));
    }

    /**
     * Writes the route the record holds back, after Traefik joined its routing network (said on
     * {@code out} when Traefik's container is not there to join); nothing when it has no route.
     */
    public void route(EnvironmentRecord record, Consumer<String> out) {
        record.route().ifPresent(route -> {
            if (route.network() != null && !traefik.join(route.network())) {
                out.accept(traefik.missing(route.network()));
            }
            routes.write(record.environmentName(), Address.parse(record.url()).host(), route,
                    config.basicAuthFor(record.repository()));
        });
    }
}
