package dev.lathe.models.hub;

import java.time.Duration;

/** Draws one {@link ProgressBar} on standard error per transferred file; cached files stay quiet. */
final class ConsoleDownloadListener implements DownloadListener {
    private ProgressBar bar;

    @Override
    public void fileStarted(String filename, long totalBytes, long resumedFrom) {
        bar = ProgressBar.onStderr(filename, totalBytes);
        bar.resumeFrom(resumedFrom);
    }

    @Override
    public void progress(String filename, long bytesDone, long totalBytes) {
        if (bar != null) {
            bar.total(totalBytes);
            bar.update(bytesDone);
        }
    }

    @Override
    public void fileFinished(String filename, long bytes, boolean fromCache) {
        if (bar != null) {
            bar.update(bytes);
            bar.finish();
            bar = null;
        }
    }

    @Override
    public void retrying(String filename, int attempt, Duration wait, String reason) {
        if (bar != null) {
            bar.finish();
            bar = null;
        }
        System.err.println(filename + ": " + reason + "; retry " + attempt + " in "
                + ProgressBar.formatDuration(wait.toMillis() / 1000.0));
    }
}
