package dev.lathe.models.hub;

import dev.lathe.engine.io.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;

/**
 * Transfers one file's content into {@code blobs/<etag>}: into {@code <etag>.incomplete} first,
 * resumed with a {@code Range} header after an interruption (restarted cleanly when the server
 * ignores it), checked against the sha256 the hub promised for LFS files and against the size,
 * then renamed into place atomically. A body that stalls longer than the read timeout is abandoned
 * and resumed like a reset connection.
 */
final class BlobDownloader {
    private static final int BUFFER = 1 << 16;

    private final HubHttp http;
    private final HubCache cache;

    BlobDownloader(HubHttp http, HubCache cache) {
        this.http = http;
        this.cache = cache;
    }

    /** One try at a transfer: may throw a plain IOException, which the caller retries. */
    void transfer(ModelRef ref, String filename, HubHttp.FileMetadata meta, DownloadListener listener)
            throws IOException {
        Path partial = cache.incomplete(ref, meta.etag());
        Path blob = cache.blob(ref, meta.etag());
        Files.createDirectories(partial.getParent());
        long have = Files.exists(partial) ? Files.size(partial) : 0;
        if (meta.size() >= 0 && have > meta.size()) {
            Files.delete(partial); // longer than the file: not ours to resume
            have = 0;
        }
        MessageDigest sha256 = sha256();
        HttpResponse<InputStream> response = http.get(meta.location(), have, ref, filename);
        try (InputStream body = response.body()) {
            int status = response.statusCode();
            if (status == 416) {
                // Nothing left to send: either we have it all, or our partial is bad.
                if (have != meta.size()) {
                    Files.deleteIfExists(partial);
                    throw new IOException("the server refused to resume at byte " + have + "; restarting");
                }
                sha256 = null; // nothing streamed: verify the file as a whole
            } else {
                if (status == 206 && rangeStart(response) != have) {
                    Files.deleteIfExists(partial);
                    throw new IOException("the server resumed at another byte than " + have + "; restarting");
                }
                boolean append = have > 0 && status == 206;
                if (!append) {
                    have = 0; // a server that ignores Range resends everything: start over
                }
                long total = meta.size() >= 0 ? meta.size() : contentLength(response, have);
                listener.fileStarted(filename, total, have);
                try (FileChannel out = FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING);
                     StallGuard guard = new StallGuard(body, http.settings().readTimeout())) {
                    if (append) {
                        digestPrefix(partial, have, sha256);
                    }
                    have = copy(body, out, sha256, guard, filename, have, total, listener);
                    out.force(true);
                    if (guard.tripped()) {
                        throw new IOException("no data for " + http.settings().readTimeout().toSeconds()
                                + " s after " + have + " bytes");
                    }
                }
            }
        }
        finish(ref, filename, meta, partial, blob, have, sha256);
        listener.fileFinished(filename, have, false);
    }

    private void finish(ModelRef ref, String filename, HubHttp.FileMetadata meta, Path partial, Path blob,
            long have, MessageDigest sha256) throws IOException {
        String where = ref.repoId() + "@" + meta.commit() + " " + filename;
        if (meta.size() >= 0 && have < meta.size()) {
            throw new IOException("the connection closed after " + have + " of " + meta.size() + " bytes");
        }
        if (meta.size() >= 0 && have > meta.size()) {
            Files.deleteIfExists(partial);
            throw new HubException(HubException.Kind.CHECKSUM, where + ": received " + have
                    + " bytes but the hub said " + meta.size() + "; the partial download was deleted, try again");
        }
        if (HubNames.isSha256(meta.etag())) {
            if (have == meta.size() && sha256 != null && Files.size(partial) == have) {
                String actual = HexFormat.of().formatHex(sha256.digest());
                if (!actual.equals(meta.etag())) {
                    Files.deleteIfExists(partial);
                    throw new HubException(HubException.Kind.CHECKSUM, where + ": sha256 of the download is "
                            + actual + " but the hub promised " + meta.etag()
                            + "; the corrupt download was deleted, try again");
                }
            } else {
                verifyWholeFile(partial, meta.etag(), where);
            }
        }
        HubCache.moveAtomically(partial, blob);
    }

    private static void verifyWholeFile(Path file, String expected, String where) throws IOException {
        MessageDigest sha256 = sha256();
        digestPrefix(file, Files.size(file), sha256);
        String actual = HexFormat.of().formatHex(sha256.digest());
        if (!actual.equals(expected)) {
            Files.deleteIfExists(file);
            throw new HubException(HubException.Kind.CHECKSUM, where + ": sha256 of the download is " + actual
                    + " but the hub promised " + expected + "; the corrupt download was deleted, try again");
        }
    }

    private static long copy(InputStream body, FileChannel out, MessageDigest sha256, StallGuard guard,
            String filename, long have, long total, DownloadListener listener) throws IOException {
        byte[] buf = new byte[BUFFER];
        int n;
        try {
            while ((n = body.read(buf)) > 0) {
                ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
                while (bb.hasRemaining()) {
                    out.write(bb);
                }
                sha256.update(buf, 0, n);
                have += n;
                guard.progressed();
                listener.progress(filename, have, total);
            }
        } catch (IOException e) {
            out.force(false);
            throw guard.tripped() ? new IOException("the transfer stalled after " + have + " bytes", e) : e;
        }
        return have;
    }

    private static void digestPrefix(Path file, long length, MessageDigest sha256) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[BUFFER];
            long left = length;
            int n;
            while (left > 0 && (n = in.read(buf, 0, (int) Math.min(buf.length, left))) > 0) {
                sha256.update(buf, 0, n);
                left -= n;
            }
        }
    }

    /** The first byte of a 206 answer, from {@code Content-Range: bytes start-end/total}; -1 if unreadable. */
    static long rangeStart(HttpResponse<?> response) {
        String range = response.headers().firstValue("Content-Range").orElse("");
        if (!range.startsWith("bytes ")) {
            return -1;
        }
        int dash = range.indexOf('-');
        return dash < 0 ? -1 : HubHttp.parseLong(range.substring(6, dash));
    }

    private static long contentLength(HttpResponse<?> response, long have) {
        long length = HubHttp.parseLong(response.headers().firstValue("Content-Length").orElse(null));
        return length < 0 ? -1 : (response.statusCode() == 206 ? have + length : length);
    }

    private static MessageDigest sha256() {
        return Sha256.digest();
    }

    /**
     * Closes the body when no byte has arrived for {@code timeout}: a blocked read then ends, and
     * the transfer is retried from where it stopped.
     */
    private static final class StallGuard implements AutoCloseable {
        private final Thread watcher;
        private volatile long lastProgress = System.nanoTime();
        private volatile boolean tripped;

        StallGuard(InputStream body, Duration timeout) {
            long limit = timeout.toNanos();
            long tick = Math.max(10, Math.min(1000, timeout.toMillis() / 4));
            watcher = Thread.ofVirtual().name("hub-stall-guard").start(() -> {
                try {
                    while (!Thread.currentThread().isInterrupted()) {
                        Thread.sleep(tick);
                        if (System.nanoTime() - lastProgress > limit) {
                            tripped = true;
                            body.close();
                            return;
                        }
                    }
                } catch (InterruptedException | IOException e) {
                    // Interrupted: the transfer ended. Close failed: the read will fail by itself.
                }
            });
        }

        void progressed() {
            lastProgress = System.nanoTime();
        }

        boolean tripped() {
            return tripped;
        }

        @Override
        public void close() {
            watcher.interrupt();
        }
    }
}
