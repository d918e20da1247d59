package dev.reviewenv.engine.record;

import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Objects;

/**
 * What a file was when it was read: its inode, size and modification time. Every write of the
 * store renames a new file in (a new inode), and an edit by hand changes the time or the size, so
 * a file with the same stamp holds what was read from it.
 */
record FileStamp(Object fileKey, long size, FileTime modified) {
    static FileStamp of(BasicFileAttributes a) {
        return new FileStamp(a.fileKey(), a.size(), a.lastModifiedTime());
    }

    /** Whether the file, as {@code a} says it is now, is the one this stamp was taken of. */
    boolean same(BasicFileAttributes a) {
        return Objects.equals(fileKey, a.fileKey()) && size == a.size() && modified.equals(a.lastModifiedTime());
    }
}
