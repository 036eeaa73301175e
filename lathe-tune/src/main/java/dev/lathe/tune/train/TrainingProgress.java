package dev.lathe.tune.train;

import dev.lathe.models.hub.ProgressBar;
import java.io.PrintStream;
import java.util.Locale;

/**
 * The trainer's console output: on a terminal one {@link ProgressBar} line redrawn in place (steps done
 * of total, steps/s, loss, lr, tokens/s, ETA) with evaluations printed above it; elsewhere (logs, pipes,
 * tests) one plain line per step and per evaluation. Silent when there is no console.
 */
final class TrainingProgress {
    private final PrintStream console;
    private final ProgressBar bar;  // null when there is no console
    private final long totalSteps;
    private final long firstStep;   // steps done before this run (a resumed run)
    private final long startNanos = System.nanoTime();

    TrainingProgress(PrintStream console, long stepsDone, long totalSteps) {
        this.console = console;
        this.totalSteps = totalSteps;
        this.firstStep = stepsDone;
        this.bar = console == null ? null : ProgressBar.counting(console, ProgressBar.isTerminal(console),
                System::nanoTime, "train", totalSteps, "steps");
        if (bar != null) {
            bar.resumeFrom(stepsDone);
        }
    }

    void step(Trainer.StepMetrics m) {
        if (bar == null) {
            return;
        }
        String status = String.format(Locale.ROOT, "epoch %d  loss %.4f  lr %.3e  grad %.3f  %.0f tok/s", m.epoch(),
                m.loss(), m.lr(), m.gradNorm(), m.tokensPerSecond());
        bar.status(status);
        bar.update(m.step());
        if (!bar.interactive()) {
            double perStep = (System.nanoTime() - startNanos) / 1e9 / Math.max(1, m.step() - firstStep);
            console.println(String.format(Locale.ROOT, "step %d/%d  %s  ETA %s", m.step(), totalSteps, status,
                    ProgressBar.formatDuration(perStep * (totalSteps - m.step()))));
        }
    }

    void evaluation(Trainer.Evaluation e, boolean stopped) {
        if (bar == null) {
            return;
        }
        String scores = Double.isNaN(e.accuracy())
                ? String.format(Locale.ROOT, "val loss %.4f  ppl %.3f", e.loss(), e.perplexity())
                : String.format(Locale.ROOT, "val loss %.4f  accuracy %.4f  macro-F1 %.4f", e.loss(), e.accuracy(),
                        e.macroF1());
        bar.println(String.format(Locale.ROOT, "eval step %d  %s%s%s", e.step(), scores,
                e.improved() ? "  (best)" : "", stopped ? "  early stop" : ""));
    }

    void finish() {
        if (bar != null) {
            bar.finish();
        }
    }
}
