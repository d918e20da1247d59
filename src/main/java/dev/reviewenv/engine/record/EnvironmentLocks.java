package dev.reviewenv.engine.record;

import dev.reviewenv.naming.EnvironmentName;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One lock per environment, shared by deploy, stop and the reaper, and across processes (the
 * one-shot reaper runs beside the service): a thread lock inside this process and a file lock on
 * {@code <records>/.locks/<name>.lock} between processes.
 */
public class EnvironmentLocks {
    private final Path dir;
    private final ConcurrentHashMap<String, ReentrantLock> local = new ConcurrentHashMap<>();

    public EnvironmentLocks(Path recordsDir) {
        this.dir = recordsDir.resolve(".locks");
    }

    /** A held lock; closing it releases it. */
    public interface Held extends AutoCloseable {
        @Override
        void close();
    }

    /** Blocks until the environment's lock is held. */
    public Held hold(EnvironmentName name) {
        ReentrantLock lock = local.computeIfAbsent(name.value(), n -> new ReentrantLock());
        lock.lock();
        try {
            Files.createDirectories(dir);
            FileChannel channel = FileChannel.open(dir.resolve(name + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock fileLock = channel.lock();
            return () -> {
                try {
                    fileLock.release();
                    channel.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } finally {
                    lock.unlock();
                }
            };
        } catch (IOException | RuntimeException e) {
            lock.unlock();
            throw e instanceof IOException io ? new UncheckedIOException("cannot lock " + name, io) : (RuntimeException) e;
        }
    }
}
