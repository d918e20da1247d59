package dev.reviewenv.deploy;

import dev.reviewenv.engine.stack.ServiceCommand;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a branch's file asks for around its environment's life, read once from its
 * {@code x-reviewenv}: {@code seed: {from: <branch>, volumes: [db]}} (the volumes that start as a
 * copy of the base environment's), {@code after-create: {service, command}} (run once after the
 * first deploy) and {@code before-stop: {service, command}} (run before every ending). A command is
 * a list (run as it is) or a string (run by {@code /bin/sh -c}). Every service and volume named must
 * be one the resolved file has.
 */
public record Lifecycle(Optional<Seed> seed, Optional<ServiceCommand> afterCreate, Optional<ServiceCommand> beforeStop) {
    public static final Lifecycle NONE = new Lifecycle(Optional.empty(), Optional.empty(), Optional.empty());

    /** The base's branch, and the keys of the file's volumes that start as copies of the base's. */
    public record Seed(String from, List<String> volumes) {
        public Seed {
            volumes = List.copyOf(volumes);
        }
    }

    public Lifecycle withSeed(Optional<Seed> newSeed) {
        return new Lifecycle(newSeed, afterCreate, beforeStop);
    }

    /**
     * Reads {@code ext} (the file's {@code x-reviewenv}; null: none) against the resolved services and
     * volumes; what is wrong is added to {@code problems}, each naming the key and the fix.
     */
    static Lifecycle read(Map<String, Object> ext, Map<String, Object> services, Map<String, Object> volumes,
            List<String> problems) {
        if (ext == null) {
            return NONE;
        }
        return new Lifecycle(seed(ext.get("seed"), volumes, problems), hook("after-create", ext.get("after-create"), services, problems),
                hook("before-stop", ext.get("before-stop"), services, problems));
    }

    private static Optional<Seed> seed(Object value, Map<String, Object> volumes, List<String> problems) {
        if (value == null) {
            return Optional.empty();
        }
        String key = ComposeRenderer.EXTENSION + ".seed";
        String example = "; write e.g. x-reviewenv: {seed: {from: main, volumes: [db]}}";
        if (!(value instanceof Map<?, ?> seed)) {
            problems.add(key + ": not a mapping" + example);
            return Optional.empty();
        }
        Object from = seed.get("from");
        if (!(from instanceof String branch) || branch.isBlank()) {
            problems.add(key + ".from: the branch whose environment the volumes are copied from is missing" + example);
            return Optional.empty();
        }
        try {
            new dev.reviewenv.naming.Branch("-", "refs/heads/" + branch.strip());
        } catch (IllegalArgumentException e) {
            problems.add(key + ".from: '" + branch + "' is not a branch name" + example);
            return Optional.empty();
        }
        if (!(seed.get("volumes") instanceof List<?> listed) || listed.isEmpty()) {
            problems.add(key + ".volumes: the volumes to copy are missing (a list of the file's named volumes)" + example);
            return Optional.empty();
        }
        List<String> keys = new ArrayList<>();
        for (Object v : listed) {
            String volume = String.valueOf(v);
            Object def = volumes == null ? null : volumes.get(volume);
            if (volumes == null || !volumes.containsKey(volume)) {
                problems.add(key + ".volumes: '" + volume + "' is not a volume this file defines; name one of "
                        + (volumes == null ? "its top-level volumes (it has none)" : volumes.keySet()));
            } else if (def instanceof Map<?, ?> d && dev.reviewenv.engine.stack.StackObjects.external(d)) {
                problems.add(key + ".volumes: '" + volume + "' is external: it is not the environment's to create, so it"
                        + " cannot start as a copy; seed a volume the file defines");
            } else if (!keys.contains(volume)) {
                keys.add(volume);
            }
        }
        return Optional.of(new Seed(branch.strip(), keys));
    }

    private static Optional<ServiceCommand> hook(String name, Object value, Map<String, Object> services, List<String> problems) {
        if (value == null) {
            return Optional.empty();
        }
        String key = ComposeRenderer.EXTENSION + "." + name;
        String example = "; write e.g. x-reviewenv: {" + name + ": {service: web, command: [./manage.py, migrate]}}";
        if (!(value instanceof Map<?, ?> hook)) {
            problems.add(key + ": not a mapping" + example);
            return Optional.empty();
        }
        Object service = hook.get("service");
        if (!(service instanceof String s) || s.isBlank()) {
            problems.add(key + ".service: the service to run the command in is missing" + example);
            return Optional.empty();
        }
        if (!services.containsKey(s)) {
            problems.add(key + ".service: '" + s + "' is not a service Compose runs from this file; name one of " + services.keySet());
            return Optional.empty();
        }
        List<String> command = new ArrayList<>();
        Object c = hook.get("command");
        if (c instanceof String line && !line.isBlank()) {
            command.addAll(List.of("/bin/sh", "-c", line));
        } else if (c instanceof List<?> words && !words.isEmpty() && words.stream().allMatch(w -> w instanceof String
                || w instanceof Number || w instanceof Boolean)) {
            words.forEach(w -> command.add(String.valueOf(w)));
        } else {
            problems.add(key + ".command: missing, or neither a list of words nor a line for /bin/sh -c" + example);
            return Optional.empty();
        }
        return Optional.of(new ServiceCommand(s, command));
    }
}
