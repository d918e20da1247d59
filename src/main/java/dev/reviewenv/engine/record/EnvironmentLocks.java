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

    /** The environment's lock if it is free now; empty when a deploy or stop holds it (here or in another process). */
    public java.util.Optional<Held> tryHold(EnvironmentName name) {
        ReentrantLock lock = local.computeIfAbsent(name.value(), n -> new ReentrantLock());
        if (!lock.tryLock()) {
            return java.util.Optional.empty();
        }
        try {
            Files.createDirectories(dir);
            FileChannel channel = FileChannel.open(dir.resolve(name.value() + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock fileLock = channel.tryLock();
            if (fileLock == null) {
                channel.close();
                lock.unlock();
                return java.util.Optional.empty();
            }
            return java.util.Optional.of(held(lock, channel, fileLock));
        } catch (IOException | RuntimeException e) {
            lock.unlock();
            throw e instanceof IOException io ? new UncheckedIOException("cannot lock " + name, io) : (RuntimeException) e;
        }
    }

    private static Held held(ReentrantLock lock, FileChannel channel, FileLock fileLock) {
        return () -> {
            try {
                if (channel.isOpen()) {
                    fileLock.release();
                    channel.close();
                }
            } catch (java.nio.channels.ClosedChannelException closedByInterrupt) {
                // an interrupted thread's channel is closed, which released the file lock
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                lock.unlock();
            }
        };
    }

    /** Blocks until the environment's lock is held. */
    public Held hold(EnvironmentName name) {
        ReentrantLock lock = local.computeIfAbsent(name.value(), n -> new ReentrantLock());
        lock.lock();
        try {
            Files.createDirectories(dir);
            FileChannel channel = FileChannel.open(dir.resolve(name + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock fileLock = channel.lock();
            return held(lock, channel, fileLock);
        } catch (IOException | RuntimeException e) {
            lock.unlock();
            throw e instanceof IOException io ? new UncheckedIOException("cannot lock " + name, io) : (RuntimeException) e;
        }
    }
}
