package dev.reviewenv.engine.record;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.reviewenv.naming.Branch;
import dev.reviewenv.naming.EnvironmentName;
import dev.reviewenv.naming.EnvironmentNames;
import dev.reviewenv.naming.Keys;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code environment.json}: what an environment is and how it got there. Field names are part of
 * the public contract (shell scripts read them). {@code lifetime} is the one its last deploy got
 * (what a one-click Extend adds); {@code expiryWarned} the {@code removeat} (epoch seconds) the
 * expiry warning was last sent for.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EnvironmentRecord(
        String name,
        String repository,
        String branch,
        String ref,
        String commit,
        String url,
        Status status,
        Instant createdAt,
        Instant deployedAt,
        String service,
        Integer port,
        String upstream,
        String routingNetwork,
        String lastJob,
        Integer teardownFailures,
        String lifetime,
        Long expiryWarned,
        List<Event> history) {

    /** How an environment stands; {@link #key()} is what {@code environment.json}, the API and notifications say. */
    public enum Status {
        DEPLOYING,
        RUNNING,
        STOPPING,
        /** Put to sleep for want of requests: containers stopped, volumes and images kept; a request wakes it. */
        SLEEPING,
        FAILED,
        /** A teardown failed; the reaper retries it (see {@code teardownFailures}). */
        TEARDOWN_FAILED,
        /** Ended and removed: no record keeps it; its last notification says it. */
        STOPPED;

        @com.fasterxml.jackson.annotation.JsonValue
        public String key() {
            return Keys.of(this);
        }

        /** The key: what a log line or message says. */
        @Override
        public String toString() {
            return key();
        }

        /** The status of a key; throws naming the keys for any other word. */
        @com.fasterxml.jackson.annotation.JsonCreator
        public static Status of(String key) {
            return Keys.parse(Status.class, key, "environment status");
        }
    }

    /** Bounded: the oldest events are dropped past this many. */
    public static final int HISTORY_LIMIT = 50;

    /** One line of an environment's history: what happened, when, and why. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Event(Instant at, String event, String reason, String commit, String job) {
    }

    public EnvironmentRecord {
        history = history == null ? List.of() : List.copyOf(history);
    }

    /** The record of a first deploy, before it has run. */
    public static EnvironmentRecord first(EnvironmentName name, Branch branch, String commit, String url, Instant at, String job) {
        return new EnvironmentRecord(name.value(), branch.repository(), branch.name(), branch.ref(), commit, url, Status.DEPLOYING,
                at, null, null, null, null, null, job, null, null, null, List.of());
    }

    /** Whether its stack was up when last seen by reviewenv: running, or asleep (stopped, to be woken). */
    public boolean upOrAsleep() {
        return status == Status.RUNNING || status == Status.SLEEPING;
    }

    /** Whether this is the environment of {@code branch}. */
    public boolean belongsTo(Branch branch) {
        return repository.equals(branch.repository()) && ref.equals(branch.ref());
    }

    /** The branch this environment runs. */
    public Branch origin() {
        return new Branch(repository, ref);
    }

    public EnvironmentName environmentName() {
        return EnvironmentName.of(name);
    }

    public EnvironmentRecord withStatus(Status newStatus) {
        return new EnvironmentRecord(name, repository, branch, ref, commit, url, newStatus, createdAt, deployedAt,
                service, port, upstream, routingNetwork, lastJob, teardownFailures, lifetime, expiryWarned, history);
    }

    /**
     * The record of a deploy that succeeded: its commit, the routed service and port, the host its
     * route reaches that service by, and the network Traefik joins for it.
     */
    public EnvironmentRecord deployed(String newCommit, Status newStatus, Instant at, Route route, String job,
            String newLifetime) {
        return new EnvironmentRecord(name, repository, branch, ref, newCommit, url, newStatus, createdAt, at,
                route.service(), route.port(), route.upstream(), route.network(), job, null, newLifetime, null, history);
    }

    /** What an environment's route points at: its routed service and port, by which host, on which network. */
    public record Route(String service, int port, String upstream, String network) {
    }

    /**
     * The route as deployed, if the environment has one. Environments deployed before each had a
     * routing network of its own reach their service by the old name on the shared network
     * ({@link EnvironmentNames#legacyUpstreamHost}) until their next deploy.
     */
    public java.util.Optional<Route> route() {
        if (service == null || port == null) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new Route(service, port,
                upstream != null ? upstream : EnvironmentNames.legacyUpstreamHost(environmentName(), service), routingNetwork));
    }

    /** The expiry warning was sent for the environment's removal at {@code removeAt}. */
    public EnvironmentRecord warned(long removeAt) {
        return new EnvironmentRecord(name, repository, branch, ref, commit, url, status, createdAt, deployedAt,
                service, port, upstream, routingNetwork, lastJob, teardownFailures, lifetime, removeAt, history);
    }

    /** One more failed teardown, with the reason in the history. */
    public EnvironmentRecord teardownFailed(Instant at, String reason, String error) {
        int failures = teardownFailures == null ? 1 : teardownFailures + 1;
        return new EnvironmentRecord(name, repository, branch, ref, commit, url, Status.TEARDOWN_FAILED, createdAt, deployedAt,
                service, port, upstream, routingNetwork, lastJob, failures, lifetime, expiryWarned, history).with(new Event(at, "teardown-failed", reason + ": " + error, commit, null));
    }

    public int failures() {
        return teardownFailures == null ? 0 : teardownFailures;
    }

    public EnvironmentRecord with(Event event) {
        List<Event> h = new ArrayList<>(history);
        h.add(event);
        if (h.size() > HISTORY_LIMIT) {
            h = h.subList(h.size() - HISTORY_LIMIT, h.size());
        }
        return new EnvironmentRecord(name, repository, branch, ref, commit, url, status, createdAt, deployedAt,
                service, port, upstream, routingNetwork, lastJob, teardownFailures, lifetime, expiryWarned, h);
    }
}
