package dev.reviewenv.engine.stack;

import dev.reviewenv.naming.EnvironmentName;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What runs an environment's rendered compose file: Compose on this host ({@code compose}), or a
 * stack on the Docker Swarm this host manages ({@code swarm}). The deploy and teardown stages talk
 * to this and nothing else about running stacks; which one it is comes from
 * {@code reviewenv.engine}. Every verb takes the environment's stack as recorded; none decides
 * what may run (the policy did that on the resolved model before).
 */
public interface StackEngine {

    /** The environment, its recorded compose file, and its checkout (build contexts; null when gone). */
    record Stack(EnvironmentName name, Path file, Path projectDir) {
    }

    /**
     * One running part of a stack: a container (Compose) or a task (Swarm), with Docker's state
     * ({@code created}, {@code running}, {@code exited}, {@code dead}, {@code restarting}), its health
     * check's status if it has one, its exit code once it ended, and where it runs.
     */
    record Unit(String id, String name, String service, String state, String health, Integer exitCode, String node,
            String error) {
        public boolean running() {
            return "running".equals(state);
        }

        /** Running, and healthy if it has a health check. */
        public boolean ready() {
            return running() && (health == null || "healthy".equals(health));
        }

        /** Ended with anything but success, or found unhealthy, or never started. */
        public boolean failed() {
            return "exited".equals(state) && exitCode != null && exitCode != 0
                    || "dead".equals(state) || "unhealthy".equals(health) || "restarting".equals(state);
        }
    }

    /** What the running parts of an environment use right now: memory, CPU (percent of one CPU), processes. */
    record Usage(long memory, double cpuPercent, long pids) {
        public Usage plus(Usage o) {
            return new Usage(memory + o.memory, cpuPercent + o.cpuPercent, pids + o.pids);
        }
    }

    /** How a command run in a service's container ended: its exit code, or cut off at its bound. */
    record Exec(int exitCode, boolean timedOut) {
        public boolean ok() {
            return !timedOut && exitCode == 0;
        }
    }

    /**
     * A volume about to be copied: the bytes it holds on disk, whether a copy shares its blocks (a
     * reflink), and how long measuring it took (with, before a reflink, its files synced to disk).
     */
    record VolumeSize(long bytes, boolean reflink, java.time.Duration measured) {
    }

    /** A volume copied: the bytes, whether by reflink, how long it took, and the containers paused for it. */
    record VolumeCopy(long bytes, boolean reflink, java.time.Duration took, List<String> paused) {
    }

    /** {@code compose} or {@code swarm}, for messages. */
    String kind();

    /** What an environment is to this engine, for messages: a "compose project" or a "stack". */
    default String projectNoun() {
        return "compose project";
    }

    /** Fails with the next step when the engine does not answer. */
    void ping();

    /**
     * Rewrites the rendered (policed, limited) model of {@code name} at {@code commit} in place into
     * what this engine runs as it is meant; returns what was rewritten, one line each, and throws
     * {@link dev.reviewenv.engine.compose.ComposeFileException} naming every key it would not run.
     * Compose runs the rendered model as it is.
     */
    default List<String> adapt(String file, Map<String, Object> rendered, EnvironmentName name, String commit) {
        return List.of();
    }

    /**
     * Runs {@code command} in a running container of {@code service} of the environment (as
     * {@code docker exec} does), its output to {@code out}, for at most {@code bound}. Throws when the
     * service has no running container here.
     */
    Exec exec(EnvironmentName name, String service, List<String> command, java.time.Duration bound, Consumer<String> out);

    /** Why this engine copies no volumes, if it does not (a swarm's volumes are each a node's). */
    default Optional<String> cannotCopyVolumes() {
        return Optional.empty();
    }

    /**
     * Measures the volume {@code volume} of the environment {@code owner} for a copy into
     * {@code target}'s (whatever the measuring leaves carries {@code target}'s labels, so its
     * teardown takes it); empty when it is not there. Throws when it is not the environment's (by
     * reviewenv's label), or not one this engine copies.
     */
    Optional<VolumeSize> measureVolume(EnvironmentName owner, String volume, EnvironmentName target, java.time.Duration bound);

    /**
     * Creates {@code target}'s volume {@code key}, named {@code to}, with {@code labels} (and what the
     * engine marks its stacks' volumes with), as a copy of {@code owner}'s volume {@code volume}, as
     * {@code measured} (by reflink or plainly), within {@code bound}; the running containers that
     * mount the source are paused for the copy and resumed after, also on failure. The source is
     * never changed.
     */
    VolumeCopy copyVolume(EnvironmentName owner, String volume, EnvironmentName target, String key, String to,
            Map<String, String> labels, VolumeSize measured, java.time.Duration bound);

    /**
     * Resumes every paused part of the environment (left paused by a copy of its volumes that a
     * crash cut short); returns what was resumed, one line each.
     */
    default List<String> resume(EnvironmentName name) {
        return List.of();
    }

    /** Creates the shared network Traefik and the routed services meet on, if it is missing. */
    void ensureNetwork(String network);

    /** Builds what the file builds, then starts (or updates) the stack; stops what the file no longer has. */
    void up(Stack stack, Consumer<String> out);

    /** Removes the stack: its containers, networks and volumes, orphans included. Images are not its to remove. */
    void down(Stack stack, Consumer<String> out);

    /** Stops the stack and keeps it, its volumes and its images (an environment put to sleep). */
    void stop(Stack stack, Consumer<String> out);

    /** Starts a stopped stack again as it was (a sleeping environment woken). */
    void start(Stack stack, Consumer<String> out);

    /** Every part of the environment as it stands now, running or not: what carries reviewenv's label for it. */
    List<Unit> units(EnvironmentName name);

    /** The last lines a unit printed, for a failure report. */
    List<String> logTail(Unit unit, int lines);

    /**
     * Opens the log streams of the environment's containers on this host (of {@code service} only,
     * when given: the name in the compose file), as {@code query} asks, and returns at once; whole
     * lines go to {@code sink} from the engine's threads until every stream ends or the follower is
     * closed. Throws {@link LogsBusy} when the engine already keeps as many streams as it may.
     */
    LogFollower logs(EnvironmentName name, Optional<String> service, LogQuery query, LogSink sink);

    /** The environments that have any part, by reviewenv's label: what the reconcile compares with the records. */
    Set<EnvironmentName> environments();

    /** The environments with at least one running part. */
    Set<EnvironmentName> environmentsRunning();

    /**
     * What carries the stack's name without reviewenv's label for the environment (someone else's
     * project of that name), one line each; only objects reviewenv made may be removed.
     */
    List<String> foreign(EnvironmentName name, boolean recorded);

    /**
     * What the rendered file would make the engine create or use under a name that exists and is not
     * the environment's (its label says so, or, {@code recorded}, Compose's project label of an older
     * deploy), one line each ("volume shop_data"); empty when every name is free or the
     * environment's. Nothing of what it names may be used, changed or removed.
     */
    List<String> strangers(EnvironmentName name, Map<String, Object> rendered, boolean recorded);

    /**
     * Removes the stack's containers and networks and keeps its volumes, so the next {@link #up}
     * makes them anew (an environment of an older deploy whose networks are made differently now).
     */
    default void recreate(Stack stack, Consumer<String> out) {
        // Nothing to make anew by default.
    }

    /** Removes whatever still carries reviewenv's label for the environment; returns what was removed, one line each. */
    List<String> sweep(EnvironmentName name, Consumer<String> out);

    /** One sample of what the environment's running parts use; empty when none runs (or none can be seen). */
    Optional<Usage> usage(EnvironmentName name);

    /** The address at which the containers on {@code network} reach this host, if there is one. */
    Optional<String> hostAddress(String network);

    /**
     * Removes pulled images that left this host's image store from the other nodes too (a swarm's);
     * nothing to do on one host. Says what was done.
     */
    void forgetImages(Collection<String> images, Consumer<String> out);

    /**
     * What is wrong with running environments that the engine sees and reviewenv did not do (a swarm
     * node that left with their tasks), one line per environment; empty when all is well.
     */
    default Map<EnvironmentName, String> troubles() {
        return java.util.Map.of();
    }

    /**
     * Removes what replaced parts left on this host once a deploy succeeded (a swarm keeps the
     * stopped containers of old tasks, which would pin the images they ran); nothing on one host.
     */
    default void tidy(EnvironmentName name, Consumer<String> out) {
        // Compose removes the containers it replaces.
    }

    /** Asks the engine to place the environment's parts anew, where it can (after a {@link #troubles() trouble}). */
    default void reschedule(EnvironmentName name, Consumer<String> out) {
        // One host: nowhere else to place them.
    }
}
