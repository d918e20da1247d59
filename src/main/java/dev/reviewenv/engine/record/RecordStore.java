package dev.reviewenv.engine.record;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reviewenv.engine.stack.ServiceCommand;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.reviewenv.engine.fs.AtomicFiles;
import dev.reviewenv.naming.Branch;
import dev.reviewenv.naming.EnvironmentName;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * The records on disk, the source of truth: {@code <home>/.reviewenv/<name>/} holding
 * {@code docker-compose.yml}, {@code removeat} (epoch seconds; absent means never) and
 * {@code environment.json}. Every file is written to a temp file in the same directory and renamed.
 *
 * <p>Two indexes are kept with the records, so that neither a push nor a page of the list costs
 * a look at every record: the names in order, and the environment of each branch. They are made
 * from one scan of the directory, kept by every write and delete of this store, and made again
 * when the directory itself changed otherwise (a record restored or removed by hand), and by
 * every full {@link #list()} (the reaper's pass).
 */
public class RecordStore {
    public static final String COMPOSE_FILE = "docker-compose.yml";
    public static final String REMOVE_AT = "removeat";
    public static final String ENVIRONMENT = "environment.json";
    /** The command to run before every ending ({@code x-reviewenv.before-stop} of the last deploy). */
    public static final String BEFORE_STOP = "before-stop.json";
    /** Where the bases whose containers are paused for a copy are marked. */
    static final String COPYING = ".copying";
    /** Epoch seconds of the last HTTP request Traefik logged for the environment. */
    public static final String LAST_REQUEST = "lastrequest";

    private final Path root;
    private final java.util.concurrent.ConcurrentHashMap<EnvironmentName, Cached> cache = new java.util.concurrent.ConcurrentHashMap<>();
    private final ObjectMapper json = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * Every name that has a record, in order, and the environment of each branch (by
     * {@link Branch#key()}); made anew by a scan and swapped in whole, so a reader never sees it half made.
     */
    private record Index(ConcurrentSkipListMap<String, EnvironmentName> names, ConcurrentHashMap<String, EnvironmentName> byBranch) {
        static Index empty() {
            return new Index(new ConcurrentSkipListMap<>(), new ConcurrentHashMap<>());
        }
    }

    private volatile Index index = Index.empty();
    /** The directory's modification time when the index was last made or kept; null before the first scan. */
    private volatile FileTime indexed;

    private final RecordTimes times;
    /** Nanoseconds, for how long ago a record's files were looked at (System::nanoTime in the service). */
    private final LongSupplier ticker;

    /**
     * How long a look at a record's files stands for a page of views ({@link #page}): readers of
     * the list share the looks of the last second. Every other read looks at the disk, and every
     * write of this store is seen at once; a change made by another process or by hand shows in
     * the list within this time.
     */
    public static final long VIEW_LOOK_NANOS = 1_000_000_000L;

    public RecordStore(Path root) {
        this(root, System::nanoTime);
    }

    public RecordStore(Path root, LongSupplier ticker) {
        this.root = root;
        this.ticker = ticker;
        this.times = new RecordTimes(this::dir, this::exists, ticker);
    }

    /** The record directory of an environment. */
    public Path dir(EnvironmentName name) {
        return root.resolve(name.value());
    }

    public Path composeFile(EnvironmentName name) {
        return dir(name).resolve(COMPOSE_FILE);
    }

    public boolean exists(EnvironmentName name) {
        return Files.isRegularFile(dir(name).resolve(ENVIRONMENT));
    }

    /**
     * The record, read from disk; a record read before is kept in memory and used again while its
     * file is the same one (same inode, size and modification time: every write renames a new file
     * in), so listing many records costs a look at each file, not a parse.
     */
    public Optional<EnvironmentRecord> read(EnvironmentName name) {
        Cached known = cache.get(name);
        Path file = known != null ? known.file : dir(name).resolve(ENVIRONMENT);
        try {
            long lookedAt = ticker.getAsLong();
            BasicFileAttributes now = Files.readAttributes(file, BasicFileAttributes.class);
            if (known != null && known.stamp.same(now)) {
                known.lookedAt = lookedAt;
                return Optional.of(known.record);
            }
            EnvironmentRecord record = json.readValue(Files.readAllBytes(file), EnvironmentRecord.class);
            cache.put(name, new Cached(file, now, record, lookedAt));
            return Optional.of(record);
        } catch (NoSuchFileException e) {
            cache.remove(name);
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** The record as a view may show it: the one read less than {@link #VIEW_LOOK_NANOS} ago, else read. */
    private Optional<EnvironmentRecord> readForView(EnvironmentName name) {
        Cached known = cache.get(name);
        if (known != null && ticker.getAsLong() - known.lookedAt < VIEW_LOOK_NANOS) {
            return Optional.of(known.record);
        }
        return read(name);
    }

    /** A record as read, with its file's path (made once), what the file was then, and when it was last looked at. */
    private static final class Cached {
        final Path file;
        final FileStamp stamp;
        final EnvironmentRecord record;
        volatile long lookedAt;

        Cached(Path file, BasicFileAttributes a, EnvironmentRecord record, long lookedAt) {
            this.file = file;
            this.stamp = FileStamp.of(a);
            this.record = record;
            this.lookedAt = lookedAt;
        }
    }

    /** Every environment that has a record, by name. Directories without environment.json are skipped. */
    public List<EnvironmentRecord> list() {
        FileTime before = rootModified();
        List<EnvironmentRecord> all = new ArrayList<>();
        for (EnvironmentName name : names()) {
            try {
                read(name).ifPresent(all::add);
            } catch (UncheckedIOException unreadable) {
                // One broken record never hides the others; the reaper reports it.
                System.getLogger(RecordStore.class.getName()).log(System.Logger.Level.WARNING, unreadable.getMessage());
            }
        }
        all.sort(Comparator.comparing(EnvironmentRecord::name));
        reindex(all, before);
        return all;
    }

    /**
     * At most {@code limit} records in name order, after the name {@code after} (null: from the
     * first), that {@code wanted} accepts, for views; the cost is the records looked at, not all of
     * them, and a record looked at in the last {@link #VIEW_LOOK_NANOS} is not looked at again.
     */
    public List<EnvironmentRecord> page(String after, int limit, java.util.function.Predicate<EnvironmentRecord> wanted) {
        index();
        var known = index.names();
        var names = after == null ? known.values() : known.tailMap(after, false).values();
        List<EnvironmentRecord> page = new ArrayList<>();
        for (EnvironmentName name : names) {
            if (page.size() >= limit) {
                break;
            }
            try {
                Optional<EnvironmentRecord> r = readForView(name);
                if (r.isEmpty()) {
                    forget(name);
                } else if (wanted.test(r.get())) {
                    page.add(r.get());
                }
            } catch (UncheckedIOException unreadable) {
                System.getLogger(RecordStore.class.getName()).log(System.Logger.Level.WARNING, unreadable.getMessage());
            }
        }
        return page;
    }

    /** How many records the index knew when it was last made or kept (no look at the disk). */
    public int count() {
        return index.names().size();
    }

    /** The indexes, made again when the directory changed in a way this store did not make. */
    private void index() {
        FileTime now = rootModified();
        if (indexed == null || !indexed.equals(now)) {
            list();
        }
    }

    private synchronized void reindex(List<EnvironmentRecord> all, FileTime asOf) {
        Index fresh = Index.empty();
        for (EnvironmentRecord r : all) {
            fresh.names().put(r.name(), r.environmentName());
            fresh.byBranch().put(r.origin().key(), r.environmentName());
        }
        index = fresh;
        indexed = asOf;
    }

    private void remember(EnvironmentRecord r) {
        Index i = index;
        i.names().put(r.name(), r.environmentName());
        i.byBranch().put(r.origin().key(), r.environmentName());
    }

    private void forget(EnvironmentName name) {
        cache.remove(name);
        times.forget(name);
        Index i = index;
        i.names().remove(name.value());
        i.byBranch().values().removeIf(name::equals);
    }

    /** After a change this store made to the directory itself: the indexes are still right. */
    private synchronized void keptIndex(FileTime before) {
        if (indexed != null && indexed.equals(before)) {
            indexed = rootModified();
        }
    }

    private FileTime rootModified() {
        try {
            return Files.getLastModifiedTime(root);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    /**
     * The names of every record directory (including ones whose environment.json is missing): the
     * entries named like an environment; everything else there (.locks, .images, ...) starts with a dot.
     */
    public List<EnvironmentName> names() {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        List<EnvironmentName> names = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root)) {
            for (Path d : dirs) {
                EnvironmentName.parse(d.getFileName().toString()).ifPresent(names::add);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root, e);
        }
        return names;
    }

    /** The record of the branch's environment, from the index: one record read, whatever their number. */
    public Optional<EnvironmentRecord> findByBranch(Branch branch) {
        index();
        EnvironmentName name = index.byBranch().get(branch.key());
        if (name == null) {
            return Optional.empty();
        }
        Optional<EnvironmentRecord> r = read(name).filter(found -> found.belongsTo(branch));
        if (r.isEmpty()) {
            index.byBranch().remove(branch.key(), name);
        }
        return r;
    }

    public void write(EnvironmentRecord record) {
        FileTime before = rootModified();
        boolean created = !Files.isDirectory(dir(record.environmentName()));
        try {
            writeAtomically(dir(record.environmentName()).resolve(ENVIRONMENT), json.writeValueAsBytes(record));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the record of " + record.name(), e);
        } finally {
            cache.remove(record.environmentName()); // the next read, for a view too, reads what was written
        }
        remember(record);
        if (created) {
            keptIndex(before);
        }
    }

    /** The compose file that was deployed, if there is one. */
    public Optional<String> readComposeFile(EnvironmentName name) {
        try {
            return Optional.of(Files.readString(composeFile(name), StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + composeFile(name), e);
        }
    }

    public void writeComposeFile(EnvironmentName name, String yaml) {
        writeAtomically(composeFile(name), yaml.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Marks (or unmarks) {@code base} as having containers paused for a copy of its volumes
     * ({@code <records>/.copying/<base>}): a service that dies mid-copy leaves the mark, and the
     * next reaper pass resumes the base's containers.
     */
    public void markCopying(EnvironmentName base, boolean copying) {
        Path file = root.resolve(COPYING).resolve(base.value());
        try {
            if (copying) {
                Files.createDirectories(file.getParent());
                writeAtomically(file, new byte[0]);
            } else {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot " + (copying ? "write " : "delete ") + file, e);
        }
    }

    /** The environments marked by {@link #markCopying}. */
    public List<EnvironmentName> copying() {
        Path dir = root.resolve(COPYING);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> EnvironmentName.parse(f.getFileName().toString())).flatMap(Optional::stream).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    /** Writes the command to run before the environment ends ({@code before-stop.json}), or deletes it when there is none. */
    public void writeBeforeStop(EnvironmentName name, Optional<ServiceCommand> hook) {
        Path file = dir(name).resolve(BEFORE_STOP);
        try {
            if (hook.isEmpty()) {
                Files.deleteIfExists(file);
            } else {
                writeAtomically(file, json.writeValueAsBytes(hook.get()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** The command to run before the environment ends, if its last deploy gave one (an unreadable file gives none, said by the caller). */
    public Optional<ServiceCommand> readBeforeStop(EnvironmentName name) {
        Path file = dir(name).resolve(BEFORE_STOP);
        try {
            return Optional.of(json.readValue(Files.readAllBytes(file), ServiceCommand.class));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes {@code removeat}, or deletes it when the environment never expires. */
    public void writeRemoveAt(EnvironmentName name, Optional<Instant> at) {
        times.writeRemoveAt(name, at);
    }

    /**
     * When the environment is to be removed; empty when there is no {@code removeat} (never).
     * A file that cannot be read as epoch seconds is reported, not guessed at.
     */
    public Optional<Instant> removeAt(EnvironmentName name) {
        return times.removeAt(name);
    }

    /** The same for a view: the one looked at in the last {@link #VIEW_LOOK_NANOS}, else looked at. */
    public Optional<Instant> removeAtForView(EnvironmentName name) {
        return times.removeAtForView(name, VIEW_LOOK_NANOS);
    }

    /** Writes when the environment was last requested (only while its record exists). */
    public void writeLastRequest(EnvironmentName name, Instant at) {
        times.writeLastRequest(name, at);
    }

    /** When the environment was last requested through Traefik; empty when never (or unreadable: it is only a hint). */
    public Optional<Instant> lastRequest(EnvironmentName name) {
        return times.lastRequest(name);
    }

    /** The same as this store last knew it: no look at the disk once known (for views; see {@link RecordTimes#lastRequestSeen}). */
    public Optional<Instant> lastRequestSeen(EnvironmentName name) {
        return times.lastRequestSeen(name);
    }

    /** Deletes the whole record directory; called last in a teardown. */
    public void delete(EnvironmentName name) {
        Path dir = dir(name);
        if (!Files.exists(dir)) {
            forget(name);
            return;
        }
        FileTime before = rootModified();
        Path environment = dir.resolve(ENVIRONMENT);
        for (int attempt = 1; ; attempt++) {
            try {
                // environment.json goes last but the directory: a delete that fails half-way leaves a record to retry.
                try (Stream<Path> walk = Files.walk(dir)) {
                    for (Path p : walk.sorted(Comparator.reverseOrder()).filter(p -> !p.equals(environment) && !p.equals(dir)).toList()) {
                        Files.deleteIfExists(p);
                    }
                }
                Files.deleteIfExists(environment);
                forget(name);
                Files.deleteIfExists(dir);
                keptIndex(before);
                return;
            } catch (java.nio.file.DirectoryNotEmptyException | UncheckedIOException raced) {
                // A file written meanwhile (the time of the last request, the temp file of a write): once more.
                if (attempt == 5) {
                    throw new UncheckedIOException("cannot delete the record " + dir + ": files keep appearing in it ("
                            + raced.getMessage() + ")", raced instanceof IOException io ? io : ((UncheckedIOException) raced).getCause());
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete the record " + dir + ": " + e.getMessage(), e);
            }
        }
    }

    private static void writeAtomically(Path target, byte[] content) {
        AtomicFiles.write(target, content);
    }
}
