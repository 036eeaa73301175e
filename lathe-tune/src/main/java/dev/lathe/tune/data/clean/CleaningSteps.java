package dev.lathe.tune.data.clean;

import dev.lathe.tune.data.Example;
import dev.lathe.tune.data.clean.pii.PiiRedactor;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The built-in cleaning steps, by name as they appear in reports. */
public final class CleaningSteps {
    private CleaningSteps() {}

    /** Unicode NFC, so that "é" written as e + combining accent and as one code point are equal. */
    public static CleaningStep nfc() {
        return new TextRewriteStep("unicode_nfc", TextNormalization::nfc);
    }

    /** Control characters removed, \n and \t kept, CR LF / CR turned into \n. */
    public static CleaningStep controlCharacters() {
        return new TextRewriteStep("control_characters", TextNormalization::removeControls);
    }

    /** Whitespace normalised as {@link TextNormalization} documents (newlines kept). */
    public static CleaningStep whitespace() {
        return new TextRewriteStep("whitespace", TextNormalization::normalizeWhitespace);
    }

    /** Records with a blank required field ({@link Example#isEmpty()}) removed. */
    public static CleaningStep emptyRows() {
        return new FilterStep("empty_rows", e -> e.isEmpty() ? "empty" : null);
    }

    /**
     * Exact duplicates of an earlier record removed (same shape, same text in every field, roles
     * included; labels are not compared, so the first label wins).
     */
    public static CleaningStep exactDuplicates() {
        return new CleaningStep() {
            @Override public String name() { return "exact_duplicates"; }

            @Override
            public StepOutcome apply(List<Example> in) {
                Set<String> seen = new HashSet<>();
                return new FilterStep(name(), e -> seen.add(e.contentKey()) ? null : "duplicate").apply(in);
            }
        };
    }

    /** Near duplicates removed: of each cluster the first record stays. */
    public static CleaningStep nearDuplicates(NearDuplicates.Config config) {
        return new CleaningStep() {
            @Override public String name() { return "near_duplicates"; }

            @Override
            public StepOutcome apply(List<Example> in) {
                int[] group = new NearDuplicates(config).groups(in.stream().map(Example::joinedText).toList());
                int[] i = {0};
                return new FilterStep(name(), e -> {
                    int k = i[0]++;
                    return group[k] == k ? null : "near_duplicate";
                }).apply(in);
            }
        };
    }

    /** Records outside the length limits removed. */
    public static CleaningStep length(LengthLimits limits) {
        return new FilterStep("length", e -> limits.verdict(e.joinedText()));
    }

    /** PII replaced by placeholders; details count redactions per detector. */
    public static CleaningStep piiRedaction(PiiRedactor redactor) {
        return new PiiRedactionStep(redactor);
    }
}
