package dev.lathe.cli.quickstart;

import dev.lathe.models.hub.ProgressBar;
import java.io.PrintStream;
import java.util.Locale;

/**
 * The quickstart's console: a header per step, progress bars (redrawn in place on a terminal, plain lines
 * otherwise), and each step's one-paragraph summary, wrapped for reading.
 */
final class StepConsole {
    static final int STEPS = 6;
    private static final int WIDTH = 100;
    private final PrintStream out;

    StepConsole(PrintStream out) {
        this.out = out;
    }

    PrintStream out() {
        return out;
    }

    void step(int number, String title) {
        out.printf(Locale.ROOT, "%n=== Step %d/%d: %s ===%n", number, STEPS, title);
        out.flush();
    }

    /** A bar counting {@code noun}s up to {@code total}. */
    ProgressBar bar(String label, long total, String noun) {
        return ProgressBar.counting(out, ProgressBar.isTerminal(out), System::nanoTime, label, total, noun);
    }

    /** The step's summary paragraph (formatted with {@link Locale#ROOT}), wrapped at 100 columns. */
    void summary(String format, Object... args) {
        String text = String.format(Locale.ROOT, format, args);
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            if (line.length() + word.length() + 1 > WIDTH && !line.isEmpty()) {
                out.println(line);
                line.setLength(0);
            }
            if (!line.isEmpty()) line.append(' ');
            line.append(word);
        }
        if (!line.isEmpty()) out.println(line);
        out.flush();
    }

    void println(String s) {
        out.println(s);
        out.flush();
    }
}
