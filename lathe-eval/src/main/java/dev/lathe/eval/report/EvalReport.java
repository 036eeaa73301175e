package dev.lathe.eval.report;

import dev.lathe.eval.harness.Bootstrap;
import java.util.List;
import java.util.Map;

/**
 * Everything one {@code lathe eval} run found, as written to its JSON result and rendered in its HTML
 * report: the settings it ran with, each system's metrics with bootstrap intervals, the paired
 * comparison when there are two systems, the examples whose scores changed most, fingerprints of the
 * model and data files, and timings.
 *
 * @param settings task, metrics, decoding, bootstrap and data settings, all resolved
 * @param data the data file, its columns, example count and SHA-256
 * @param systems one or two systems, the first being the baseline of a comparison
 * @param comparison paired tests of the second system against the first; empty with one system
 * @param examples the examples whose scores changed most between the systems (or the first examples)
 */
public record EvalReport(String title, String task, Map<String, Object> settings, Map<String, Object> data,
        List<SystemResult> systems, List<PairedMetric> comparison, List<ExampleRow> examples,
        Map<String, Object> timings) {
    public EvalReport {
        systems = List.copyOf(systems);
        comparison = List.copyOf(comparison);
        examples = List.copyOf(examples);
    }

    /**
     * One evaluated system.
     *
     * @param name label in tables and charts (e.g. "base", "tuned", or the model's folder name)
     * @param model how the model was given on the command line
     * @param fingerprint SHA-256 of each model file, by relative path
     * @param adapter the LoRA adapter merged into the model, else null
     * @param confusion the confusion matrix of a classification task, else null
     * @param timings seconds spent loading, generating and scoring, and throughput
     */
    public record SystemResult(String name, String model, Map<String, String> fingerprint, Adapter adapter,
            List<MetricEntry> metrics, Confusion confusion, Map<String, Object> timings) {
        public SystemResult {
            metrics = List.copyOf(metrics);
        }

        /** A system without an adapter. */
        public SystemResult(String name, String model, Map<String, String> fingerprint, List<MetricEntry> metrics,
                Confusion confusion, Map<String, Object> timings) {
            this(name, model, fingerprint, null, metrics, confusion, timings);
        }
    }

    /**
     * A LoRA adapter (PEFT folder) merged into a system's model before it was evaluated.
     *
     * @param path the adapter folder as given on the command line
     * @param fingerprint SHA-256 of each file in the folder, by relative path
     */
    public record Adapter(String path, Map<String, String> fingerprint) {}

    /**
     * One metric of one system.
     *
     * @param interval bootstrap interval of the score, null when not resampled
     * @param statistics every statistic the metric reports
     * @param line the reference tool's one-line report
     */
    public record MetricEntry(String name, double value, boolean higherIsBetter, Bootstrap.Interval interval,
            Map<String, Object> statistics, String line) {}

    /** The paired bootstrap test of one metric, second system against the first. */
    public record PairedMetric(String metric, boolean higherIsBetter, double baseline, double system, double delta,
            double pValue, int samples, long seed) {}

    /** A classification confusion matrix: {@code counts[true][predicted]} over {@code labels}. */
    public record Confusion(List<String> labels, long[][] counts) {}

    /**
     * One example, side by side.
     *
     * @param outputs one output per system
     * @param scores one sentence-level score per system under {@code metric}
     */
    public record ExampleRow(int index, String input, List<String> targets, List<String> outputs, String metric,
            List<Double> scores) {}
}
