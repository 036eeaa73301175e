package dev.lathe.models.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The hub cache on disk, in {@code huggingface_hub}'s layout so Python tools see our downloads
 * and we see theirs:
 * <pre>
 * cacheDir/models--Org--Name/blobs/&lt;etag&gt;               file content, named by sha256 (LFS) or git sha1
 *                            blobs/&lt;etag&gt;.incomplete    a transfer in progress (resumable)
 *                            refs/&lt;revision&gt;            the commit sha a branch or tag pointed at
 *                            snapshots/&lt;commit&gt;/&lt;file&gt;  relative symlink to ../../blobs/&lt;etag&gt;
 * cacheDir/.locks/models--Org--Name/&lt;etag&gt;.lock      one writer per blob
 * </pre>
 */
final class HubCache {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path root;

    HubCache(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    Path root() {
        return root;
    }

    Path repoDir(ModelRef ref) {
        return root.resolve(ref.cacheFolderName());
    }

    Path blob(ModelRef ref, String etag) {
        return repoDir(ref).resolve("blobs").resolve(etag);
    }

    Path incomplete(ModelRef ref, String etag) {
        return repoDir(ref).resolve("blobs").resolve(etag + ".incomplete");
    }

    Path snapshotDir(ModelRef ref, String commit) {
        return repoDir(ref).resolve("snapshots").resolve(commit);
    }

    /** The file's place in a snapshot; checked to stay inside it whatever the name. */
    Path snapshotFile(ModelRef ref, String commit, String filename) throws HubException {
        Path dir = snapshotDir(ref, commit);
        Path file = dir.resolve(HubNames.checkFilename(filename, ref.toString())).normalize();
        if (!file.startsWith(dir) || file.equals(dir)) {
            throw new HubException(HubException.Kind.PROTOCOL, ref + ": file name '"
                    + HubNames.printable(filename) + "' leaves the snapshot folder; refusing it");
        }
        return file;
    }

    /** The commit a revision points at in the cache: itself for a sha, else {@code refs/<revision>}. */
    Optional<String> commitFor(ModelRef ref) throws IOException {
        if (ref.isCommit()) {
            return Optional.of(ref.revision());
        }
        Path refFile = repoDir(ref).resolve("refs").resolve(ref.revision());
        if (!Files.isRegularFile(refFile)) {
            return Optional.empty();
        }
        String commit = Files.readString(refFile).strip();
        if (!ModelRef.isCommitSha(commit)) {
            throw new HubException(HubException.Kind.PROTOCOL, "cache file " + refFile
                    + " should hold a 40-hex commit sha but holds '" + HubNames.printable(commit) + "'");
        }
        return Optional.of(commit);
    }

    /** Records that the revision points at {@code commit}: atomically, without newline, as Python writes it. */
    void writeRef(ModelRef ref, String commit) throws IOException {
        if (ref.isCommit()) {
            return;
        }
        Path refFile = repoDir(ref).resolve("refs").resolve(ref.revision());
        Files.createDirectories(refFile.getParent());
        Path tmp = Files.createTempFile(refFile.getParent(), ".ref-", ".tmp");
        try {
            Files.writeString(tmp, commit);
            moveAtomically(tmp, refFile);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** True when the snapshot file exists and leads (through its symlink) to an existing blob. */
    static boolean isPresent(Path snapshotFile) {
        return Files.isRegularFile(snapshotFile);
    }

    /**
     * Puts {@code filename} into the snapshot as a relative symlink to its blob (replacing any stale
     * entry atomically), or as a copy where the file system has no symlinks.
     */
    void link(ModelRef ref, String commit, String filename, String etag) throws IOException {
        Path file = snapshotFile(ref, commit, filename);
        Path blob = blob(ref, etag);
        Files.createDirectories(file.getParent());
        Path target = file.getParent().relativize(blob);
        Path tmp = file.resolveSibling("." + file.getFileName() + ".link-" + ProcessHandle.current().pid()
                + "-" + Thread.currentThread().threadId());
        Files.deleteIfExists(tmp);
        try {
            Files.createSymbolicLink(tmp, target);
        } catch (UnsupportedOperationException | FileSystemException e) {
            Files.copy(blob, tmp, StandardCopyOption.REPLACE_EXISTING);
        }
        try {
            moveAtomically(tmp, file);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Renames {@code from} onto {@code to} atomically (same directory), replacing it. */
    static void moveAtomically(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** A held blob lock; closing releases it. */
    interface BlobLock extends AutoCloseable {
        @Override
        void close() throws IOException;
    }

    /**
     * An exclusive lock on one blob, across processes (a lock file) and across threads of this JVM
     * (file locks are per process, so threads wait on {@link OverlappingFileLockException}).
     */
    BlobLock lockBlob(ModelRef ref, String etag) throws IOException {
        Path lockFile = root.resolve(".locks").resolve(ref.cacheFolderName()).resolve(etag + ".lock");
        Files.createDirectories(lockFile.getParent());
        FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            while (true) {
                try {
                    FileLock lock = channel.lock();
                    return () -> {
                        lock.release();
                        channel.close();
                    };
                } catch (OverlappingFileLockException e) {
                    Thread.sleep(20);
                }
            }
        } catch (InterruptedException e) {
            channel.close();
            Thread.currentThread().interrupt();
            throw new HubException(HubException.Kind.NETWORK, "interrupted while waiting for " + lockFile, e);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /**
     * What a snapshot folder lacks to be a loadable model: dangling links, shards its
     * {@code model.safetensors.index.json} names but that are absent, or no weights at all.
     * Empty when it is complete.
     */
    List<String> missingFromSnapshot(Path snapshot) throws IOException {
        List<String> missing = new ArrayList<>();
        if (!Files.isDirectory(snapshot)) {
            missing.add("the snapshot folder " + snapshot);
            return missing;
        }
        boolean weights = false;
        try (Stream<Path> files = Files.walk(snapshot)) {
            for (Iterator<Path> it = files.iterator(); it.hasNext(); ) {
                Path p = it.next();
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                String rel = snapshot.relativize(p).toString().replace('\\', '/');
                if (!Files.exists(p)) {
                    missing.add(rel + " (its blob is gone)");
                } else if (rel.endsWith(".safetensors") || rel.endsWith(".gguf")) {
                    weights = true;
                }
            }
        }
        Path index = snapshot.resolve(ModelFiles.SAFETENSORS_INDEX);
        if (Files.isRegularFile(index)) {
            for (String shard : ModelFiles.shardsOf(readJson(index), index.toString())) {
                if (!Files.isRegularFile(snapshot.resolve(shard))) {
                    missing.add(shard);
                }
            }
        } else if (!weights) {
            missing.add("weights (*.safetensors or *.gguf)");
        }
        return missing;
    }

    static JsonNode readJson(Path file) throws IOException {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new HubException(HubException.Kind.PROTOCOL, file + " is not valid JSON: " + e.getMessage(), e);
        }
    }

    /** Every {@code models--Org--Name} folder in the cache, sorted by repository id. */
    List<CachedModel> list() throws IOException {
        List<CachedModel> out = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return out;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root, "models--*")) {
            for (Path dir : dirs) {
                String[] parts = dir.getFileName().toString().substring("models--".length()).split("--", -1);
                if (!Files.isDirectory(dir) || parts.length != 2) {
                    continue;
                }
                out.add(new CachedModel(parts[0] + "/" + parts[1], dir, readRefs(dir.resolve("refs")),
                        listNames(dir.resolve("snapshots")), sizeOf(dir.resolve("blobs"))));
            }
        }
        out.sort((a, b) -> a.repoId().compareToIgnoreCase(b.repoId()));
        return out;
    }

    private static Map<String, String> readRefs(Path refs) throws IOException {
        Map<String, String> out = new TreeMap<>();
        if (!Files.isDirectory(refs)) {
            return out;
        }
        try (Stream<Path> files = Files.walk(refs)) {
            files.filter(Files::isRegularFile).forEach(f -> {
                try {
                    out.put(refs.relativize(f).toString().replace('\\', '/'), Files.readString(f).strip());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return out;
    }

    private static List<String> listNames(Path dir) throws IOException {
        List<String> names = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
                entries.forEach(p -> names.add(p.getFileName().toString()));
            }
        }
        names.sort(null);
        return names;
    }

    private static long sizeOf(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        long total = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    total += Files.size(p);
                }
            }
        }
        return total;
    }
}
