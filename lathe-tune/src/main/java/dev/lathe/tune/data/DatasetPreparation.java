package dev.lathe.tune.data;

import dev.lathe.tune.data.clean.CleaningPipeline;
import dev.lathe.tune.data.read.DatasetReader;
import dev.lathe.tune.data.report.DatasetReport;
import dev.lathe.tune.data.split.SplitConfig;
import dev.lathe.tune.data.split.Splits;
import dev.lathe.tune.data.split.Splitter;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.ToIntFunction;

/**
 * Step 1 of fine-tuning, "prepare the dataset": read a file (shape detected or forced, columns
 * mapped), clean it, split it without leakage and report every count. For Bitext:
 * <pre>{@code
 * PreparedDataset d = DatasetPreparation.builder()
 *         .mapping(ColumnMapping.parse("response->output, intent->label"))
 *         .cleaning(CleaningPipeline.standard(null, NearDuplicates.Config.defaults(), LengthLimits.chars(1, 20_000)))
 *         .split(SplitConfig.of(0.8, 0.1, 0.1, 42))
 *         .build().prepare(Path.of("bitext-customer-support.csv"));
 * System.out.print(ReportWriter.toTable(d.report()));
 * }</pre>
 */
public final class DatasetPreparation {
    private final ColumnMapping mapping;
    private final Shape shape;
    private final CleaningPipeline cleaning;
    private final SplitConfig split;
    private final ToIntFunction<String> tokenCounter;

    private DatasetPreparation(Builder b) {
        this.mapping = b.mapping;
        this.shape = b.shape;
        this.cleaning = b.cleaning;
        this.split = b.split;
        this.tokenCounter = b.tokenCounter;
    }

    /** The cleaned records in three splits, and the report of how they came to be. */
    public record PreparedDataset(Splits splits, DatasetReport report) {}

    public static Builder builder() {
        return new Builder();
    }

    public PreparedDataset prepare(Path file) {
        List<Example> read = DatasetReader.read(file, mapping, shape);
        return prepare(file.toString(), read);
    }

    /** Prepares records already in memory; {@code source} names them in the report. */
    public PreparedDataset prepare(String source, List<Example> read) {
        CleaningPipeline.Result cleaned = cleaning.run(read);
        Splits s = Splitter.split(cleaned.kept(), split);
        String shapeName = read.isEmpty() ? "none" : read.getFirst().shape().title();
        return new PreparedDataset(s, DatasetReport.of(source, shapeName, read.size(), cleaned.reports(), s,
                split.seed(), tokenCounter));
    }

    /** Settings; every one has a default (identity mapping, detected shape, standard cleaning, 80/10/10). */
    public static final class Builder {
        private ColumnMapping mapping = ColumnMapping.IDENTITY;
        private Shape shape;
        private CleaningPipeline cleaning = CleaningPipeline.standard(null,
                dev.lathe.tune.data.clean.NearDuplicates.Config.defaults(), null);
        private SplitConfig split = SplitConfig.defaults();
        private ToIntFunction<String> tokenCounter;

        public Builder mapping(ColumnMapping m) { this.mapping = Objects.requireNonNull(m, "mapping"); return this; }

        /** Forces a shape instead of detecting it. */
        public Builder shape(Shape s) { this.shape = s; return this; }

        public Builder cleaning(CleaningPipeline c) { this.cleaning = Objects.requireNonNull(c, "cleaning"); return this; }

        public Builder split(SplitConfig s) { this.split = Objects.requireNonNull(s, "split"); return this; }

        /** Adds token lengths to the report (length filtering by tokens is set in {@code LengthLimits}). */
        public Builder tokenCounter(ToIntFunction<String> t) { this.tokenCounter = t; return this; }

        public DatasetPreparation build() {
            return new DatasetPreparation(this);
        }
    }
}
