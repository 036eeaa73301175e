package dev.lathe.cli.recipe;

import dev.lathe.tune.data.ColumnMapping;
import dev.lathe.tune.data.Example;
import dev.lathe.tune.data.Shape;
import dev.lathe.tune.data.clean.CleaningPipeline;
import dev.lathe.tune.data.clean.StepReport;
import dev.lathe.tune.data.read.DatasetReader;
import dev.lathe.tune.data.split.Splits;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A recipe's {@code data.test_path}: a held-out file (such as Banking77's official {@code test.csv}) that is
 * the run's test set instead of a share of the training file. It is read with the same column mapping and
 * shape and cleaned by the same pipeline, so its texts look as the training texts do, except that no
 * duplicates are removed from it: repeated texts in a benchmark's test set are test cases, and its figures
 * stay comparable with published ones over the whole file. Then every training or validation record whose
 * content is exactly that of a test record is dropped, so the test figures never score a text the model
 * was trained or selected on. The counts go to the console and to {@code test_data_report.json}.
 */
final class HeldOutTestSet {
    static final String REPORT_FILE = "test_data_report.json";
    /** The cleaning steps not applied to a test file (see the class comment). */
    private static final Set<String> DEDUPLICATION = Set.of("exact_duplicates", "near_duplicates");

    /** What reading, cleaning and de-leaking the test file did. */
    record Report(String file, int read, int kept, List<StepReport> cleaning, int removedFromTrain,
            int removedFromValidation) {}

    private HeldOutTestSet() {}

    /** {@code splits} with the test part replaced by the cleaned records of {@code file}, leaks removed. */
    static Splits apply(Splits splits, Path file, ColumnMapping mapping, Shape shape, CleaningPipeline cleaning,
            PrintStream console, Path runDir) throws IOException {
        List<Example> read = DatasetReader.read(file, mapping, shape);
        CleaningPipeline.Result cleaned = new CleaningPipeline(cleaning.steps().stream()
                .filter(step -> !DEDUPLICATION.contains(step.name())).toList()).run(read);
        List<Example> test = cleaned.kept();
        if (test.isEmpty()) {
            throw new RecipeException("data.test_path: " + file + " has no records left after cleaning (" + read.size()
                    + " read); check its columns against data.columns");
        }
        Set<String> held = new HashSet<>();
        test.forEach(e -> held.add(e.contentKey()));
        List<Example> train = splits.train().stream().filter(e -> !held.contains(e.contentKey())).toList();
        List<Example> validation = splits.validation().stream().filter(e -> !held.contains(e.contentKey())).toList();
        Report report = new Report(file.toString(), read.size(), test.size(), cleaned.reports(),
                splits.train().size() - train.size(), splits.validation().size() - validation.size());
        console.printf(Locale.ROOT, "test set: %s, %d records read, %d kept after cleaning; %d training and %d"
                + " validation records equal to a test record removed%n", file, report.read(), report.kept(),
                report.removedFromTrain(), report.removedFromValidation());
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("test_set", report);
        RecipeRunner.writeJson(runDir.resolve(REPORT_FILE), json);
        return new Splits(train, validation, test, splits.stratified(), splits.groups());
    }
}
