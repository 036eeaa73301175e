package dev.lathe.models.hub;

import java.time.Duration;

/**
 * Hears what a hub download is doing, file by file: for progress bars and logs. Called on the
 * downloading thread; every method has an empty default.
 */
public interface DownloadListener {
    /**
     * A file starts transferring.
     *
     * @param filename the file's path in the repository
     * @param totalBytes its size, or -1 when unknown
     * @param resumedFrom bytes already on disk from an earlier, interrupted attempt
     */
    default void fileStarted(String filename, long totalBytes, long resumedFrom) {
    }

    /** More bytes of {@code filename} arrived: {@code bytesDone} of {@code totalBytes} (-1 when unknown). */
    default void progress(String filename, long bytesDone, long totalBytes) {
    }

    /** {@code filename} is in place in the snapshot ({@code fromCache}: nothing was transferred). */
    default void fileFinished(String filename, long bytes, boolean fromCache) {
    }

    /** A transfer failed and will be tried again after {@code wait}; {@code reason} holds no secrets. */
    default void retrying(String filename, int attempt, Duration wait, String reason) {
    }

    /** Hears nothing. */
    static DownloadListener none() {
        return new DownloadListener() {
        };
    }

    /** A {@link ProgressBar} on standard error for each file transferred, and retry notices. */
    static DownloadListener console() {
        return new ConsoleDownloadListener();
    }
}
