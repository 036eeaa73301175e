package dev.lathe.models.hub;

import java.io.Console;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Objects;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;

/**
 * A one-line console progress bar for byte transfers or counted items (examples, steps):
 * percentage, amount done of total, rate, an optional status text (a training loop's loss and learning
 * rate) and estimated time left, redrawn in place at most ten times a second. When the stream is not a
 * terminal (logs, pipes, CI) it prints nothing until {@link #finish()}, which prints one summary line;
 * a caller that wants a line per update there prints {@link #line()} itself. {@link #println} writes a
 * message above the bar without tearing it. Not thread-safe: one bar per transfer, updated by the
 * thread doing it.
 */
public final class ProgressBar implements AutoCloseable {
    private static final long REDRAW_NANOS = 100_000_000L;
    private static final int BAR_WIDTH = 24;

    private final PrintStream out;
    private final boolean interactive;
    private final LongSupplier nanoClock;
    private final String label;
    private final LongFunction<String> amount; // how a count is shown: bytes, or "N examples"
    private final String rateUnit;             // appended to the formatted amount per second
    private final long startNanos;
    private long total;
    private long done;
    private long startDone;
    private String status = "";
    private long lastDraw = Long.MIN_VALUE;
    private int lastWidth;
    private boolean finished;

    /**
     * @param out where to draw (usually {@code System.err})
     * @param interactive true to redraw in place; false to print only the final line
     * @param nanoClock time source in nanoseconds ({@code System::nanoTime}; tests pass a fake)
     * @param label shown before the bar (e.g. a file name)
     * @param total expected bytes, or a negative number when unknown
     */
    public ProgressBar(PrintStream out, boolean interactive, LongSupplier nanoClock, String label, long total) {
        this(out, interactive, nanoClock, label, total, ProgressBar::formatBytes, "/s");
    }

    private ProgressBar(PrintStream out, boolean interactive, LongSupplier nanoClock, String label, long total,
            LongFunction<String> amount, String rateUnit) {
        this.amount = amount;
        this.rateUnit = rateUnit;
        this.out = Objects.requireNonNull(out, "out");
        this.interactive = interactive;
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.label = Objects.requireNonNull(label, "label");
        this.total = total;
        this.startNanos = nanoClock.getAsLong();
    }

    /** A bar on standard error, drawn in place only when standard error is a terminal. */
    public static ProgressBar onStderr(String label, long total) {
        return new ProgressBar(System.err, stderrIsTerminal(), System::nanoTime, label, total);
    }

    /**
     * A bar on standard error counting items rather than bytes, e.g. {@code counting("eval", 500,
     * "examples")} shows {@code 120 / 500 examples  4.2 examples/s}.
     */
    public static ProgressBar counting(String label, long total, String noun) {
        return counting(System.err, stderrIsTerminal(), System::nanoTime, label, total, noun);
    }

    /** As {@link #counting(String, long, String)} on any stream; {@code interactive} as in the constructor. */
    public static ProgressBar counting(PrintStream out, boolean interactive, LongSupplier clock, String label,
            long total, String noun) {
        return new ProgressBar(out, interactive, clock, label, total, n -> n + " " + noun, " " + noun + "/s");
    }

    /** Best effort: a console whose streams are a terminal, and not a dumb one. */
    static boolean stderrIsTerminal() {
        Console console = System.console();
        return console != null && console.isTerminal() && !"dumb".equals(System.getenv("TERM"));
    }

    /**
     * Whether a bar on {@code out} should redraw in place: {@code out} is the process's standard error or
     * output and that is a terminal (best effort, as {@link #onStderr}); false for files and test streams.
     */
    public static boolean isTerminal(PrintStream out) {
        return (out == System.err || out == System.out) && stderrIsTerminal();
    }

    /** Whether this bar redraws in place (a terminal) rather than printing only whole lines. */
    public boolean interactive() {
        return interactive;
    }

    /** Sets the text shown after the rate, e.g. {@code loss 2.3104  lr 1.00e-04}; empty for none. */
    public void status(String text) {
        status = text == null ? "" : text;
    }

    /** The bar's current line as plain text (what a terminal shows now), for streams that are not one. */
    public String line() {
        return render(nanoClock.getAsLong());
    }

    /**
     * Prints {@code message} as its own line: on a terminal it overwrites the bar, which is redrawn below
     * it at the next update; elsewhere it is a plain line.
     */
    public void println(String message) {
        if (interactive && lastWidth > 0) {
            int pad = Math.max(0, lastWidth - message.length());
            out.print("\r" + message + " ".repeat(pad) + "\n");
            lastWidth = 0;
            lastDraw = Long.MIN_VALUE; // redraw at the next update
        } else {
            out.println(message);
        }
        out.flush();
    }

    /** Bytes that were already there (a resumed download): counted as done, not in the rate. */
    public void resumeFrom(long bytes) {
        done = bytes;
        startDone = bytes;
    }

    /** Updates the expected total (e.g. once response headers arrive); negative when unknown. */
    public void total(long bytes) {
        total = bytes;
    }

    /** Sets the bytes done so far and redraws if enough time has passed. */
    public void update(long bytesDone) {
        done = bytesDone;
        if (!interactive || finished) {
            return;
        }
        long now = nanoClock.getAsLong();
        if (lastDraw != Long.MIN_VALUE && now - lastDraw < REDRAW_NANOS) {
            return;
        }
        lastDraw = now;
        draw(render(now));
    }

    /** Adds {@code bytes} to the bytes done. */
    public void advance(long bytes) {
        update(done + bytes);
    }

    /** Prints the final line (bytes, time, mean rate); later calls do nothing. */
    public void finish() {
        if (finished) {
            return;
        }
        finished = true;
        long now = nanoClock.getAsLong();
        double seconds = Math.max(1e-9, (now - startNanos) / 1e9);
        String line = label + "  " + amount.apply(done) + " in " + formatDuration(seconds) + " ("
                + rate((done - startDone) / seconds) + ")";
        if (interactive) {
            draw(line);
            out.print('\n');
        } else {
            out.println(line);
        }
        out.flush();
    }

    @Override
    public void close() {
        finish();
    }

    /** The in-place line: {@code label [=====>    ]  45%  12.3 MB / 27.0 MB  5.1 MB/s  ETA 0:03}. */
    String render(long nowNanos) {
        double seconds = (nowNanos - startNanos) / 1e9;
        double rate = seconds > 0 ? (done - startDone) / seconds : 0;
        StringBuilder line = new StringBuilder(label).append(' ');
        if (total > 0) {
            double fraction = Math.min(1.0, (double) done / total);
            int filled = (int) (fraction * BAR_WIDTH);
            line.append('[').append("=".repeat(filled));
            if (filled < BAR_WIDTH) {
                line.append('>').append(" ".repeat(BAR_WIDTH - filled - 1));
            }
            line.append("] ").append(String.format(Locale.ROOT, "%3d%%", (int) (fraction * 100)))
                    .append("  ").append(amount.apply(done)).append(" / ").append(amount.apply(total));
        } else {
            line.append(amount.apply(done));
        }
        line.append("  ").append(rate(rate));
        if (!status.isEmpty()) {
            line.append("  ").append(status);
        }
        if (total > 0 && rate > 0 && done < total) {
            line.append("  ETA ").append(formatDuration((total - done) / rate));
        }
        return line.toString();
    }

    private String rate(double perSecond) {
        return rateUnit.equals("/s") ? formatBytes((long) perSecond) + "/s"
                : String.format(Locale.ROOT, "%.1f%s", perSecond, rateUnit);
    }

    private void draw(String line) {
        // Pad with spaces so a shorter line fully covers the previous one.
        int pad = Math.max(0, lastWidth - line.length());
        out.print("\r" + line + " ".repeat(pad));
        out.flush();
        lastWidth = line.length();
    }

    /** {@code 999 B}, {@code 1.5 kB}, {@code 12.3 MB}, {@code 4.10 GB} (powers of 1000, as the hub shows). */
    public static String formatBytes(long bytes) {
        if (bytes < 1000) {
            return bytes + " B";
        }
        String[] units = {"kB", "MB", "GB", "TB", "PB"};
        double v = bytes;
        int u = -1;
        while (v >= 1000 && u < units.length - 1) {
            v /= 1000;
            u++;
        }
        return String.format(Locale.ROOT, v < 10 ? "%.2f %s" : v < 100 ? "%.1f %s" : "%.0f %s", v, units[u]);
    }

    /** {@code 0:07}, {@code 12:34}, {@code 1:02:03}. */
    public static String formatDuration(double seconds) {
        long s = (long) Math.ceil(Math.max(0, Math.min(seconds, 360_000_000)));
        long h = s / 3600;
        long m = s / 60 % 60;
        long sec = s % 60;
        return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, sec)
                : String.format(Locale.ROOT, "%d:%02d", m, sec);
    }
}
