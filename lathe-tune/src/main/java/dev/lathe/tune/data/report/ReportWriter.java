package dev.lathe.tune.data.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.lathe.engine.io.AtomicFile;
import dev.lathe.tune.data.clean.StepReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.TreeSet;

/** Renders a {@link DatasetReport} as a console table and writes it as JSON (atomically). */
public final class ReportWriter {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private ReportWriter() {}

    public static String toJson(DatasetReport report) {
        try {
            return JSON.writeValueAsString(report);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("report: cannot serialise: " + e.getOriginalMessage(), e);
        }
    }

    public static DatasetReport fromJson(String json) {
        try {
            return JSON.readValue(json, DatasetReport.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("report JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** Writes the JSON so that a reader never sees a partial file. */
    public static void writeJson(DatasetReport report, Path file) {
        try {
            AtomicFile.write(file, (toJson(report) + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("report: cannot write " + file, e);
        }
    }

    /** A compact table: steps, splits, labels per split, length histogram of the train split. */
    public static String toTable(DatasetReport r) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "dataset %s  shape %s  read %d  seed %d%s%n", r.source(), r.shape(), r.read(),
                r.seed(), r.stratified() ? "  stratified" : ""));
        sb.append(String.format(Locale.ROOT, "%-20s %7s %8s %8s %7s  %s%n", "step", "in", "removed", "changed", "out", "details"));
        for (StepReport s : r.steps()) {
            sb.append(String.format(Locale.ROOT, "%-20s %7d %8d %8d %7d  %s%n", s.step(), s.in(), s.removed(), s.changed(), s.out(),
                    s.details().isEmpty() ? "" : new java.util.TreeMap<>(s.details())));
        }
        sb.append(String.format(Locale.ROOT, "%-12s %7s %9s %7s %7s %7s%n", "split", "records", "chars p50", "p95", "max",
                "tok p50"));
        for (SplitReport s : r.splits()) {
            sb.append(String.format(Locale.ROOT, "%-12s %7d %9d %7d %7d %7s%n", s.name(), s.count(), s.chars().p50(),
                    s.chars().p95(), s.chars().max(), s.tokens() == null ? "-" : Integer.toString(s.tokens().p50())));
        }
        TreeSet<String> labels = new TreeSet<>();
        r.splits().forEach(s -> labels.addAll(s.labels().keySet()));
        if (!labels.isEmpty()) {
            sb.append(String.format(Locale.ROOT, "%-28s", "label"));
            for (SplitReport s : r.splits()) sb.append(String.format(Locale.ROOT, " %10s", s.name()));
            sb.append('\n');
            for (String l : labels) {
                sb.append(String.format(Locale.ROOT, "%-28s", l.length() > 28 ? l.substring(0, 27) + "…" : l));
                for (SplitReport s : r.splits()) sb.append(String.format(Locale.ROOT, " %10d", s.labels().getOrDefault(l, 0)));
                sb.append('\n');
            }
        }
        if (!r.splits().isEmpty()) {
            SplitReport train = r.splits().getFirst();
            histogram(sb, "train length (chars)", train.chars());
            if (train.tokens() != null) histogram(sb, "train length (tokens)", train.tokens());
        }
        return sb.toString();
    }

    private static void histogram(StringBuilder sb, String title, LengthStats stats) {
        int peak = stats.histogram().stream().mapToInt(LengthStats.Bin::count).max().orElse(1);
        sb.append(title).append('\n');
        boolean leading = true;
        for (LengthStats.Bin b : stats.histogram()) {
            if (leading && b.count() == 0) continue; // empty short bins say nothing
            leading = false;
            int bar = peak == 0 ? 0 : (int) Math.round(30.0 * b.count() / peak);
            sb.append(String.format(Locale.ROOT, "  [%6d, %6d) %6d %s%n", b.from(), b.to(), b.count(), "#".repeat(bar)));
        }
    }
}
