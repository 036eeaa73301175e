package dev.lathe.engine.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Publishes a whole folder so that readers see either no folder, the previous complete one or the new complete
 * one, never a half-written one: everything is written into a hidden temporary sibling
 * ({@code .<name>.tmp-<pid>-<random>}), every file and folder in it is forced to disk, and the sibling is renamed
 * into place in one step. Checkpoints, saved adapters and classifiers, converted and imported models are written
 * this way, the folder-level twin of {@link AtomicFile}.
 *
 * <p>Replacing an existing folder takes two renames (the file system has no atomic swap of non-empty folders
 * reachable from Java): the old folder is first renamed to a hidden {@code .<name>.old-<pid>-<random>} sibling,
 * the new one is renamed into place, and only then is the old one deleted; if the second rename fails the old
 * folder is renamed back. Between the two renames a reader finds no folder at all, never a mixture.
 *
 * <p>A process killed mid-write leaves its temporary sibling behind, and one killed between the two renames
 * leaves the old folder under its hidden name. The next publish of the same folder tidies up after processes
 * that are no longer running (the process id is in the name): stale temporary folders are deleted and a stale
 * old folder is renamed back when nothing has replaced it, so the previous folder is never lost.
 */
public final class AtomicFolder {
    private AtomicFolder() {}

    /** Fills the (empty, existing) temporary folder with the files the published folder should hold. */
    @FunctionalInterface
    public interface FolderWriter {
        void writeInto(Path dir) throws IOException;
    }

    /**
     * Writes {@code target} with {@code writer}, replacing any existing folder there as a whole (files of the old
     * folder that the writer does not write are gone). An exception from the writer leaves the old folder as it
     * was and no temporary folder behind.
     */
    public static void replace(Path target, FolderWriter writer) throws IOException {
        Path dir = absolute(target);
        Path tmp = writeTemporary(dir, writer);
        try {
            if (!moveIfAbsent(tmp, dir)) {
                swap(tmp, dir);
            }
            syncDirectory(dir.getParent());
        } finally {
            FileTrees.delete(tmp);
        }
    }

    /**
     * Writes {@code target} with {@code writer} unless a folder is already there, for caches whose folder for a key
     * always has the same content. When another writer publishes the folder first, that folder is kept and this
     * one is discarded.
     *
     * @return whether this call's folder was published
     */
    public static boolean createIfAbsent(Path target, FolderWriter writer) throws IOException {
        Path dir = absolute(target);
        if (Files.isDirectory(dir) && !isEmptyDirectory(dir)) {
            return false;
        }
        Path tmp = writeTemporary(dir, writer);
        try {
            boolean published = moveIfAbsent(tmp, dir);
            if (published) {
                syncDirectory(dir.getParent());
            }
            return published;
        } finally {
            FileTrees.delete(tmp);
        }
    }

    private static Path absolute(Path target) {
        Path dir = target.toAbsolutePath().normalize();
        if (dir.getParent() == null || dir.getFileName() == null) {
            throw new IllegalArgumentException("cannot publish " + target + " as a folder: it has no parent folder");
        }
        return dir;
    }

    private static Path writeTemporary(Path dir, FolderWriter writer) throws IOException {
        Path parent = dir.getParent();
        Files.createDirectories(parent);
        tidyAfterDeadWriters(dir);
        Path tmp = Files.createTempDirectory(parent, "." + dir.getFileName() + TMP + ProcessHandle.current().pid() + "-");
        try {
            keepOrDefaultPermissions(tmp, dir);
            writer.writeInto(tmp);
            syncTree(tmp);
            return tmp;
        } catch (IOException | RuntimeException | Error e) {
            FileTrees.delete(tmp);
            throw e;
        }
    }

    /** Renames {@code tmp} to {@code dir} when nothing is there; false when a folder is (left untouched). */
    private static boolean moveIfAbsent(Path tmp, Path dir) throws IOException {
        if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS) && !isEmptyDirectory(dir)) {
            return false;
        }
        try {
            Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            return true;
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot rename " + tmp + " to " + dir + " atomically (same folder, so the file"
                    + " system does not support renames?)", e);
        } catch (FileSystemException e) {
            // rename(2) fails with EEXIST or ENOTEMPTY when another writer published first.
            if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                return false;
            }
            throw e;
        }
    }

    private static boolean isEmptyDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            return !entries.iterator().hasNext();
        }
    }

    /** Replaces the existing {@code dir} by {@code tmp}; the old folder is kept until the new one is in place. */
    private static void swap(Path tmp, Path dir) throws IOException {
        Path old = Files.createTempDirectory(dir.getParent(), "." + dir.getFileName() + OLD
                + ProcessHandle.current().pid() + "-");
        try {
            Files.move(dir, old, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            Files.deleteIfExists(old);
            throw e;
        }
        try {
            Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            try {
                Files.move(old, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException restore) {
                e.addSuppressed(restore);
            }
            throw e;
        }
        FileTrees.delete(old);
    }

    private static final String TMP = ".tmp-";
    private static final String OLD = ".old-";

    /**
     * Deletes the temporary siblings of {@code dir} whose writing process is gone, and renames a stale old folder
     * back when {@code dir} itself is missing (its writer died between the two renames of {@link #swap}).
     */
    static void tidyAfterDeadWriters(Path dir) throws IOException {
        String prefix = "." + dir.getFileName();
        Pattern leftover = Pattern.compile(Pattern.quote(prefix) + "(\\.tmp-|\\.old-)(\\d+)-\\d+");
        List<Path> deadOld = new ArrayList<>();
        List<Path> deadTmp = new ArrayList<>();
        try (Stream<Path> siblings = Files.list(dir.getParent())) {
            for (Path p : (Iterable<Path>) siblings::iterator) {
                Matcher m = leftover.matcher(p.getFileName().toString());
                if (m.matches() && !running(Long.parseLong(m.group(2)))) {
                    (m.group(1).equals(OLD) ? deadOld : deadTmp).add(p);
                }
            }
        }
        for (Path p : deadTmp) {
            FileTrees.delete(p);
        }
        for (Path old : deadOld) {
            if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                try {
                    Files.move(old, dir, StandardCopyOption.ATOMIC_MOVE);
                    continue;
                } catch (FileSystemException e) {
                    // someone else restored or published it meanwhile; this copy is then superseded
                }
            }
            FileTrees.delete(old);
        }
    }

    private static boolean running(long pid) {
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        return process.isPresent() && process.get().isAlive();
    }

    /**
     * Temporary folders are created owner-only (0700); the published folder should have the permissions of the one
     * it replaces, or those of an ordinary new folder (0755) when there is none.
     */
    private static void keepOrDefaultPermissions(Path tmp, Path target) throws IOException {
        if (!Files.getFileStore(tmp).supportsFileAttributeView(PosixFileAttributeView.class)) {
            return;
        }
        Set<PosixFilePermission> permissions = Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)
                ? Files.getPosixFilePermissions(target, LinkOption.NOFOLLOW_LINKS)
                : PosixFilePermissions.fromString("rwxr-xr-x");
        Files.setPosixFilePermissions(tmp, permissions);
    }

    /** Forces every file and folder under {@code root} to disk, so the rename publishes durable content. */
    private static void syncTree(Path root) throws IOException {
        List<Path> all;
        try (Stream<Path> walk = Files.walk(root)) {
            all = walk.toList();
        }
        for (Path p : all) {
            if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                try (FileChannel channel = FileChannel.open(p, StandardOpenOption.READ)) {
                    channel.force(true);
                }
            } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                syncDirectory(p);
            }
        }
    }

    /** Forces a folder's entries to disk where the platform allows opening a folder (Linux, macOS). */
    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Windows cannot open a folder as a channel; its renames are durable once they return.
        }
    }
}
