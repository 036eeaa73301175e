package dev.lathe.tune.data.report;

import dev.lathe.tune.data.Example;
import dev.lathe.tune.data.clean.StepReport;
import dev.lathe.tune.data.split.Splits;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * What dataset preparation did, for people (a compact console table) and machines (JSON): the
 * source and shape, records read, each cleaning step's counts, each split's size, labels and
 * length distribution (characters; tokens when a token counter was given, else null).
 */
public record DatasetReport(String source, String shape, int read, List<StepReport> steps, boolean stratified,
                            long seed, List<SplitReport> splits) {
    public DatasetReport {
        steps = List.copyOf(steps);
        splits = List.copyOf(splits);
    }

    public static DatasetReport of(String source, String shape, int read, List<StepReport> steps, Splits splits,
                                   long seed, ToIntFunction<String> tokenCounter) {
        List<SplitReport> out = new ArrayList<>();
        for (int i = 0; i < Splits.NAMES.size(); i++) out.add(split(Splits.NAMES.get(i), splits.get(i), tokenCounter));
        return new DatasetReport(source, shape, read, steps, splits.stratified(), seed, out);
    }

    static SplitReport split(String name, List<Example> records, ToIntFunction<String> tokenCounter) {
        Map<String, Integer> labels = new LinkedHashMap<>();
        int[] chars = new int[records.size()];
        int[] tokens = tokenCounter == null ? null : new int[records.size()];
        for (int i = 0; i < records.size(); i++) {
            Example e = records.get(i);
            if (e.label() != null) labels.merge(e.label(), 1, Integer::sum);
            String t = e.joinedText();
            chars[i] = t.length();
            if (tokens != null) tokens[i] = tokenCounter.applyAsInt(t);
        }
        return new SplitReport(name, records.size(), labels, LengthStats.of(chars), tokens == null ? null : LengthStats.of(tokens));
    }

    public SplitReport split(String name) {
        return splits.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no split '" + name + "'"));
    }
}
