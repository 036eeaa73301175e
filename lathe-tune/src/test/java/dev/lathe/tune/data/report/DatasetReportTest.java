package dev.lathe.tune.data.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lathe.tune.data.ColumnMapping;
import dev.lathe.tune.data.DatasetPreparation;
import dev.lathe.tune.data.clean.CleaningPipeline;
import dev.lathe.tune.data.clean.LengthLimits;
import dev.lathe.tune.data.clean.NearDuplicates;
import dev.lathe.tune.data.clean.StepReport;
import dev.lathe.tune.data.clean.pii.PiiRedactor;
import dev.lathe.tune.data.clean.pii.PiiRegistry;
import dev.lathe.tune.data.split.SplitConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetReportTest {
    @TempDir Path dir;

    private static final ToIntFunction<String> WORDS = s -> s.isBlank() ? 0 : s.strip().split("\\s+").length;

    private DatasetPreparation.PreparedDataset bitext() throws Exception {
        Path csv = dir.resolve("bitext.csv");
        try (var in = getClass().getResourceAsStream("/data/bitext-excerpt.csv")) {
            Files.copy(in, csv);
        }
        return DatasetPreparation.builder()
                .mapping(ColumnMapping.parse("response->output, intent->label"))
                .cleaning(CleaningPipeline.standard(new PiiRedactor(PiiRegistry.withDefaults()),
                        NearDuplicates.Config.defaults(), LengthLimits.chars(1, 20_000)))
                .split(SplitConfig.of(0.8, 0.1, 0.1, 42))
                .tokenCounter(WORDS)
                .build().prepare(csv);
    }

    @Test
    void lengthStatsGivePercentilesAndPowerOfTwoBins() {
        LengthStats s = LengthStats.of(new int[] {3, 20, 20, 40, 100});
        assertThat(s.min()).isEqualTo(3);
        assertThat(s.max()).isEqualTo(100);
        assertThat(s.p50()).isEqualTo(20);
        assertThat(s.p95()).isEqualTo(100);
        assertThat(s.mean()).isEqualTo(36.6);
        assertThat(s.histogram()).containsExactly(new LengthStats.Bin(0, 16, 1), new LengthStats.Bin(16, 32, 2),
                new LengthStats.Bin(32, 64, 1), new LengthStats.Bin(64, 128, 1));
        assertThat(LengthStats.of(new int[0]).histogram()).isEmpty();
    }

    @Test
    void preparingBitextReportsEveryStepAndSplitConsistently() throws Exception {
        var d = bitext();
        DatasetReport r = d.report();
        assertThat(r.read()).isEqualTo(50);
        assertThat(r.shape()).isEqualTo("alpaca");
        assertThat(r.steps()).extracting(StepReport::step).containsExactly("unicode_nfc", "control_characters",
                "whitespace", "pii_redaction", "empty_rows", "exact_duplicates", "near_duplicates", "length");
        int out = r.steps().getLast().out();
        assertThat(r.splits()).extracting(SplitReport::count).containsExactly(d.splits().train().size(),
                d.splits().validation().size(), d.splits().test().size());
        assertThat(r.splits().stream().mapToInt(SplitReport::count).sum()).isEqualTo(out);
        assertThat(r.stratified()).isTrue();
        assertThat(r.split("train").labels().values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(r.split("train").count());
        assertThat(r.split("train").tokens()).isNotNull();
        // Bitext placeholders survive cleaning and redaction
        String all = d.splits().train().stream().map(e -> e.joinedText()).collect(java.util.stream.Collectors.joining("\n"));
        assertThat(all).contains("{{Purchase ID Anonymized}}", "{{Website Name}}", "{{Customer Support Phone Number}}");
    }

    @Test
    void theReportIsWrittenAsJsonAtomicallyAndReadsBackEqual() throws Exception {
        DatasetReport r = bitext().report();
        Path json = dir.resolve("out/report.json");
        ReportWriter.writeJson(r, json);
        String text = Files.readString(json);
        assertThat(text).contains("\"steps\"", "\"near_duplicates\"", "\"histogram\"", "\"labels\"");
        assertThat(ReportWriter.fromJson(text)).isEqualTo(r);
        try (var files = Files.list(json.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("report.json");
        }
    }

    @Test
    void theConsoleTableShowsStepsSplitsLabelsAndAHistogram() throws Exception {
        String table = ReportWriter.toTable(bitext().report());
        assertThat(table).contains("step", "unicode_nfc", "pii_redaction", "split", "train", "validation", "test",
                "cancel_order", "train length (chars)", "train length (tokens)");
        assertThat(table.lines().filter(l -> l.startsWith("length ")).toList()).hasSize(1);
        assertThat(List.of(table.split("\n"))).allSatisfy(l -> assertThat(l.length()).isLessThan(100));
    }
}
