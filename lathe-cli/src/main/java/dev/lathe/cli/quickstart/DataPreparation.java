package dev.lathe.cli.quickstart;

import dev.lathe.models.hub.ProgressBar;
import dev.lathe.tune.data.AlpacaExample;
import dev.lathe.tune.data.ColumnMapping;
import dev.lathe.tune.data.DatasetPreparation;
import dev.lathe.tune.data.Example;
import dev.lathe.tune.data.clean.CleaningPipeline;
import dev.lathe.tune.data.clean.pii.PiiRedactor;
import dev.lathe.tune.data.clean.pii.PiiRegistry;
import dev.lathe.tune.data.read.DatasetReader;
import dev.lathe.tune.data.report.DatasetReport;
import dev.lathe.tune.data.report.ReportWriter;
import dev.lathe.tune.data.clean.StepReport;
import dev.lathe.tune.data.split.SplitConfig;
import dev.lathe.tune.data.split.Splits;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Step 1: reads the Bitext CSV (instruction, intent, response), cleans it with the tune pipeline and PII
 * redaction on, splits it 80/10/10 stratified by intent, prints the dataset report and writes it as
 * {@code data_report.json}. With a record cap, a seeded random sample is taken first (the file is sorted
 * by intent, so its first rows would be a few intents only).
 */
final class DataPreparation {
    /** Bitext's columns as the Alpaca shape: the response is the output, the intent the label. */
    static final ColumnMapping BITEXT_COLUMNS = new ColumnMapping(Map.of("response", "output", "intent", "label"));

    /** The prepared splits (instruction, response, intent) and the report. */
    record PreparedData(Splits splits, DatasetReport report, int rowsRead, int rowsUsed) {
        List<AlpacaExample> train() {
            return alpaca(splits.train());
        }

        List<AlpacaExample> validation() {
            return alpaca(splits.validation());
        }

        List<AlpacaExample> test() {
            return alpaca(splits.test());
        }

        private static List<AlpacaExample> alpaca(List<Example> examples) {
            return examples.stream().map(e -> (AlpacaExample) e).toList();
        }
    }

    private DataPreparation() {}

    static PreparedData run(Path csv, QuickstartSettings settings, Path runDir, StepConsole console) {
        List<Example> read;
        try (ProgressBar bar = console.bar("prepare", 3, "stages")) {
            bar.status("reading " + csv.getFileName());
            read = DatasetReader.read(csv, BITEXT_COLUMNS, null);
            bar.update(1);
            if (read.isEmpty() || !(read.getFirst() instanceof AlpacaExample)) {
                throw new IllegalArgumentException(csv + ": expected the Bitext columns instruction, intent and response");
            }
            int rowsRead = read.size();
            if (settings.maxRecords() > 0 && read.size() > settings.maxRecords()) {
                read = sample(read, settings.maxRecords(), QuickstartSettings.SEED);
            }
            bar.status("cleaning (PII redaction on) and splitting 80/10/10 by intent");
            DatasetPreparation.PreparedDataset prepared = DatasetPreparation.builder().mapping(BITEXT_COLUMNS)
                    .cleaning(CleaningPipeline.standard(new PiiRedactor(PiiRegistry.withDefaults()), null, null))
                    .split(new SplitConfig(0.8, 0.1, 0.1, QuickstartSettings.SEED, true, null))
                    .build().prepare(csv.toString(), read);
            bar.update(2);
            ReportWriter.writeJson(prepared.report(), runDir.resolve("data_report.json"));
            bar.update(3);
            bar.finish();
            console.out().print(ReportWriter.toTable(prepared.report()));
            Splits s = prepared.splits();
            long intents = s.train().stream().map(Example::label).distinct().count();
            console.summary("Read %,d rows of %s%s. Cleaning (Unicode NFC, control characters, whitespace, PII redaction,"
                            + " empty rows, exact duplicates) %s. The stratified split gives %,d training, %,d validation and"
                            + " %,d test examples over %d intents; the report is in %s.",
                    rowsRead, csv.getFileName(), read.size() < rowsRead ? ", sampled " + read.size() + " of them (seed "
                            + QuickstartSettings.SEED + ")" : "", cleaningEffect(prepared.report()), s.train().size(),
                    s.validation().size(), s.test().size(), intents, runDir.resolve("data_report.json"));
            return new PreparedData(s, prepared.report(), rowsRead, read.size());
        }
    }

    private static String cleaningEffect(DatasetReport report) {
        List<String> parts = new ArrayList<>();
        for (StepReport step : report.steps()) {
            if (step.removed() > 0 || step.changed() > 0) {
                parts.add(step.step() + (step.removed() > 0 ? " removed " + step.removed() : "")
                        + (step.changed() > 0 ? " changed " + step.changed() : "") + (step.details().isEmpty() ? ""
                                : " " + new java.util.TreeMap<>(step.details())));
            }
        }
        return parts.isEmpty() ? "changed nothing" : "did: " + String.join("; ", parts);
    }

    /** {@code n} records drawn with {@code seed}, kept in file order. */
    static List<Example> sample(List<Example> records, int n, long seed) {
        Integer[] idx = new Integer[records.size()];
        Arrays.setAll(idx, i -> i);
        Collections.shuffle(Arrays.asList(idx), new Random(seed));
        return Arrays.stream(idx, 0, n).sorted().map(records::get).toList();
    }
}
