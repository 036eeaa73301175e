package dev.lathe.eval.metrics.classification;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * sklearn's {@code classification_report}: per-label precision / recall / F1 / support, then
 * accuracy (when the labels are exactly the data's labels; otherwise a "micro avg" row, as
 * sklearn), macro avg and weighted avg, whose support is the sum of the label supports.
 * {@link #toMap()} gives the {@code output_dict=True} layout and {@link #toText(int)} the printed
 * table, character for character. {@code samples} and {@code correct} count all samples and those
 * predicted right (over every label, whatever {@code labels} selects).
 */
public record ClassificationReport(List<ClassScores> classes, OptionalDouble accuracy, Optional<Row> microAvg,
                                   Row macroAvg, Row weightedAvg, long samples, long correct,
                                   List<String> warnings) {

    /** An average row: name is "micro avg", "macro avg" or "weighted avg". */
    public record Row(String name, double precision, double recall, double f1, long support) {}

    public ClassificationReport {
        classes = List.copyOf(classes);
        warnings = List.copyOf(warnings);
    }

    /** The report over the sorted union of labels with zero_division="warn". */
    public static ClassificationReport of(List<String> yTrue, List<String> yPred) {
        return of(yTrue, yPred, null, ZeroDivision.WARN);
    }

    /** The report over {@code labels} (null: sorted union) with the given zero_division. */
    public static ClassificationReport of(List<String> yTrue, List<String> yPred, List<String> labels,
                                          ZeroDivision zeroDivision) {
        ClassificationMetrics.checkTargets(yTrue, yPred);
        PrfOptions options = PrfOptions.defaults().withLabels(labels).withZeroDivision(zeroDivision);
        List<String> present = Labels.sorted(yTrue, yPred);
        boolean microIsAccuracy = labels == null || new HashSet<>(labels).equals(new HashSet<>(present));
        Set3 rows = new Set3(
                ClassificationMetrics.precisionRecallFscore(yTrue, yPred, Average.NONE, options),
                ClassificationMetrics.precisionRecallFscore(yTrue, yPred, Average.MICRO, options),
                ClassificationMetrics.precisionRecallFscore(yTrue, yPred, Average.MACRO, options),
                ClassificationMetrics.precisionRecallFscore(yTrue, yPred, Average.WEIGHTED, options));
        long support = rows.none.support();
        LinkedHashSet<String> warnings = new LinkedHashSet<>();
        for (PrfResult r : List.of(rows.none, rows.micro, rows.macro, rows.weighted)) warnings.addAll(r.warnings());
        return new ClassificationReport(rows.none.classes(),
                microIsAccuracy ? OptionalDouble.of(rows.micro.precision()) : OptionalDouble.empty(),
                microIsAccuracy ? Optional.empty() : Optional.of(row("micro avg", rows.micro, support)),
                row("macro avg", rows.macro, support), row("weighted avg", rows.weighted, support),
                yTrue.size(), ClassificationMetrics.correct(yTrue, yPred), new ArrayList<>(warnings));
    }

    private record Set3(PrfResult none, PrfResult micro, PrfResult macro, PrfResult weighted) {}

    private static Row row(String name, PrfResult r, long support) {
        return new Row(name, r.precision(), r.recall(), r.fScore(), support);
    }

    /**
     * The {@code output_dict=True} layout: label -> {precision, recall, f1-score, support}, then
     * "accuracy" -> number or "micro avg" -> {...}, "macro avg", "weighted avg". Support is a Long.
     */
    public Map<String, Object> toMap() {
        Map<String, Object> out = new LinkedHashMap<>();
        for (ClassScores c : classes) out.put(c.label(), entry(c.precision(), c.recall(), c.fScore(), c.support()));
        accuracy.ifPresent(a -> out.put("accuracy", a));
        microAvg.ifPresent(r -> out.put(r.name(), entry(r)));
        out.put(macroAvg.name(), entry(macroAvg));
        out.put(weightedAvg.name(), entry(weightedAvg));
        return out;
    }

    private static Map<String, Object> entry(Row r) {
        return entry(r.precision(), r.recall(), r.f1(), r.support());
    }

    private static Map<String, Object> entry(double p, double r, double f, long support) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("precision", p);
        m.put("recall", r);
        m.put("f1-score", f);
        m.put("support", support);
        return m;
    }

    /**
     * The table sklearn prints ({@code classification_report(..., digits=digits)}): labels
     * right-aligned to the longest name (at least "weighted avg", counted in code points as
     * Python does), figures rounded half-even on their exact binary value, as Python's format.
     * When no sample at all is predicted right, sklearn's supports are numpy floats and print as
     * "2.0"; this reproduces that.
     */
    public String toText(int digits) {
        if (digits < 0) throw new IllegalArgumentException("digits: got " + digits + ", expected >= 0");
        int width = Math.max("weighted avg".length(), digits);
        for (ClassScores c : classes) width = Math.max(width, c.label().codePointCount(0, c.label().length()));
        StringBuilder sb = new StringBuilder();
        sb.append(pad("", width)).append(' ');
        for (String h : List.of("precision", "recall", "f1-score", "support")) sb.append(' ').append(pad(h, 9));
        sb.append("\n\n");
        for (ClassScores c : classes) line(sb, c.label(), width, digits, c.precision(), c.recall(), c.fScore(), c.support());
        sb.append('\n');
        if (accuracy.isPresent()) {
            sb.append(pad("accuracy", width)).append(' ');
            sb.append(' ').append(pad("", 9)).append(' ').append(pad("", 9));
            sb.append(' ').append(pad(fixed(accuracy.getAsDouble(), digits), 9));
            sb.append(' ').append(pad(count(weightedAvg.support()), 9)).append('\n');
        }
        for (Row r : microAvg.isPresent() ? List.of(microAvg.get(), macroAvg, weightedAvg) : List.of(macroAvg, weightedAvg)) {
            line(sb, r.name(), width, digits, r.precision(), r.recall(), r.f1(), r.support());
        }
        return sb.toString();
    }

    private void line(StringBuilder sb, String name, int width, int digits, double p, double r, double f, long s) {
        sb.append(pad(name, width)).append(' ');
        for (double v : new double[] {p, r, f}) sb.append(' ').append(pad(fixed(v, digits), 9));
        sb.append(' ').append(pad(count(s), 9)).append('\n');
    }

    // sklearn's multilabel_confusion_matrix starts from float zeros when no sample is right
    private String count(long support) {
        return correct == 0 ? support + ".0" : Long.toString(support);
    }

    /** Python's '{:.Nf}': exact binary value rounded half-even. */
    static String fixed(double v, int digits) {
        if (Double.isNaN(v)) return "nan";
        if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
        return new BigDecimal(v).setScale(digits, RoundingMode.HALF_EVEN).toPlainString();
    }

    /** Right-aligns to a width counted in code points. */
    private static String pad(String s, int width) {
        int len = s.codePointCount(0, s.length());
        return len >= width ? s : " ".repeat(width - len) + s;
    }
}
