package dev.lathe.tune.data.clean.pii;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lathe.engine.testing.BundledModels;
import dev.lathe.tune.data.ColumnMapping;
import dev.lathe.tune.data.DatasetPreparation;
import dev.lathe.tune.data.Example;
import dev.lathe.tune.data.clean.CleaningPipeline;
import dev.lathe.tune.data.clean.StepReport;
import dev.lathe.tune.data.read.DatasetReader;
import dev.lathe.tune.data.report.DatasetReport;
import dev.lathe.tune.data.split.SplitConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The quickstart's data, the Bitext customer-support CSV shipped in the repository's data/, through the cleaning
 * pipeline with PII redaction as the quickstart runs it: its 15-digit order numbers that pass Luhn (211 of them were
 * redacted as card numbers when Luhn alone decided) are no longer taken for cards.
 */
class BitextRedactionTest {
    static final ColumnMapping BITEXT_COLUMNS = new ColumnMapping(Map.of("response", "output", "intent", "label"));

    static StepReport piiStep(PiiRegistry registry, List<Example> rows, Path csv) {
        DatasetReport report = DatasetPreparation.builder().mapping(BITEXT_COLUMNS)
                .cleaning(CleaningPipeline.standard(new PiiRedactor(registry), null, null))
                .split(new SplitConfig(0.8, 0.1, 0.1, 42, true, null))
                .build().prepare(csv.toString(), rows).report();
        return report.steps().stream().filter(s -> s.step().contains("pii")).findFirst().orElseThrow();
    }

    @Test
    void bitextOrderNumbersAreNotRedactedAsCardNumbers() {
        Path csv = BundledModels.repoRoot().resolve("data/bitext-customer-support.csv");
        List<Example> rows = DatasetReader.read(csv, BITEXT_COLUMNS, null);
        StepReport pii = piiStep(PiiRegistry.withDefaults(), rows, csv);
        System.out.println("Bitext PII redaction: " + pii);
        assertThat(pii.details()).doesNotContainKey("payment_card");
        assertThat(pii.details()).containsEntry("email", 2);
    }
}
