package dev.lathe.tune.data.clean;

import dev.lathe.tune.data.Example;
import dev.lathe.tune.data.clean.pii.PiiRedactor;
import java.util.ArrayList;
import java.util.List;

/**
 * Cleaning steps run in order, each on the previous one's output, with a report per step.
 * {@link #standard} is the recommended order: normalise first (so duplicates compare equal), redact
 * PII before deduplication (records differing only in an e-mail address collapse), then drop empty
 * rows, exact and near duplicates, and finally filter by length.
 */
public record CleaningPipeline(List<CleaningStep> steps) {
    public CleaningPipeline {
        steps = List.copyOf(steps);
    }

    /** The records kept and one report per step. */
    public record Result(List<Example> kept, List<StepReport> reports) {
        public Result {
            kept = List.copyOf(kept);
            reports = List.copyOf(reports);
        }
    }

    public static CleaningPipeline of(CleaningStep... steps) {
        return new CleaningPipeline(List.of(steps));
    }

    /**
     * NFC, control characters, whitespace, PII (when {@code redactor} is non-null), empty rows,
     * exact duplicates, near duplicates (when {@code nearDup} is non-null), length (when
     * {@code limits} is non-null).
     */
    public static CleaningPipeline standard(PiiRedactor redactor, NearDuplicates.Config nearDup, LengthLimits limits) {
        List<CleaningStep> s = new ArrayList<>();
        s.add(CleaningSteps.nfc());
        s.add(CleaningSteps.controlCharacters());
        s.add(CleaningSteps.whitespace());
        if (redactor != null) s.add(CleaningSteps.piiRedaction(redactor));
        s.add(CleaningSteps.emptyRows());
        s.add(CleaningSteps.exactDuplicates());
        if (nearDup != null) s.add(CleaningSteps.nearDuplicates(nearDup));
        if (limits != null) s.add(CleaningSteps.length(limits));
        return new CleaningPipeline(s);
    }

    public Result run(List<Example> records) {
        List<StepReport> reports = new ArrayList<>();
        List<Example> cur = records;
        for (CleaningStep step : steps) {
            StepOutcome o = step.apply(cur);
            reports.add(o.report());
            cur = o.kept();
        }
        return new Result(cur, reports);
    }
}
