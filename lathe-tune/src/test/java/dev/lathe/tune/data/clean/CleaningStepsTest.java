package dev.lathe.tune.data.clean;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lathe.tune.data.AlpacaExample;
import dev.lathe.tune.data.ChatExample;
import dev.lathe.tune.data.Example;
import dev.lathe.tune.data.Origin;
import dev.lathe.tune.data.TextExample;
import dev.lathe.tune.data.clean.pii.PiiRedactor;
import dev.lathe.tune.data.clean.pii.PiiRegistry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CleaningStepsTest {
    private static Example text(String t) {
        return new TextExample(t, null, Origin.NONE);
    }

    private static List<String> texts(StepOutcome o) {
        return o.kept().stream().map(Example::joinedText).toList();
    }

    @Test
    void nfcComposesDecomposedCharactersAndCountsChangedRecords() {
        StepOutcome o = CleaningSteps.nfc().apply(List.of(text("cafe\u0301"), text("café")));
        assertThat(texts(o)).containsExactly("café", "café");
        assertThat(o.report()).isEqualTo(new StepReport("unicode_nfc", 2, 0, 1, 2, Map.of()));
    }

    @Test
    void controlCharactersGoButNewlinesAndTabsStay() {
        StepOutcome o = CleaningSteps.controlCharacters().apply(List.of(
                text("a\u0000b\u0007c\td\ne\u001b[0m"), text("x\r\ny\rz"), text("\uFEFFbom"), text("clean")));
        assertThat(texts(o)).containsExactly("abc\td\ne[0m", "x\ny\nz", "bom", "clean");
        assertThat(o.report().changed()).isEqualTo(3);
        assertThat(o.report().removed()).isZero();
    }

    @Test
    void whitespaceCollapsesRunsTrimsAndKeepsLineStructure() {
        assertThat(TextNormalization.normalizeWhitespace("  Hello \t  world\u00a0\u00a0!  \n\n\n\n1.  step one   \n    indented  code\n"))
                .isEqualTo("Hello world !\n\n1. step one\n    indented code");
        StepOutcome o = CleaningSteps.whitespace().apply(List.of(text(" a "), text("b")));
        assertThat(o.report().changed()).isEqualTo(1);
    }

    @Test
    void textStepsRewriteEveryFieldButNeverLabelsOrRoles() {
        Example chat = new ChatExample(List.of(new ChatExample.Message("user", " hi  there "),
                new ChatExample.Message("assistant", "yo ")), " Label ", Origin.NONE);
        Example out = CleaningSteps.whitespace().apply(List.of(chat)).kept().getFirst();
        assertThat(out.texts()).containsExactly("hi there", "yo");
        assertThat(out.label()).isEqualTo(" Label ");
        assertThat(((ChatExample) out).messages().getFirst().role()).isEqualTo("user");
    }

    @Test
    void emptyRowsAreThoseMissingARequiredField() {
        List<Example> in = List.of(new AlpacaExample("do it", "", "done", null, Origin.NONE),
                new AlpacaExample("do it", "", "  ", null, Origin.NONE), text(""),
                new ChatExample(List.of(), null, Origin.NONE));
        StepOutcome o = CleaningSteps.emptyRows().apply(in);
        assertThat(o.kept()).hasSize(1);
        assertThat(o.report()).isEqualTo(new StepReport("empty_rows", 4, 3, 0, 1, Map.of("empty", 3)));
    }

    @Test
    void exactDuplicatesKeepTheFirstOccurrence() {
        List<Example> in = List.of(text("a"), text("b"), text("a"), new TextExample("a", "x", Origin.NONE));
        StepOutcome o = CleaningSteps.exactDuplicates().apply(in);
        assertThat(o.kept()).containsExactly(in.get(0), in.get(1));
        assertThat(o.report().removed()).isEqualTo(2);
        // the same words in different fields are different records
        List<Example> fields = List.of(new AlpacaExample("a", "", "b", null, Origin.NONE), new AlpacaExample("a", "b", "", null, Origin.NONE));
        assertThat(CleaningSteps.exactDuplicates().apply(fields).kept()).hasSize(2);
    }

    @Test
    void nearDuplicatesKeepTheFirstOfEachCluster() {
        String base = "Thank you for reaching out. To cancel your order, sign in, open Order History and press Cancel.";
        List<Example> in = List.of(text(base), text("A completely different answer about shipping times."),
                text(base.replace("Cancel.", "Cancel!")), text(base + " "));
        StepOutcome o = CleaningSteps.nearDuplicates(NearDuplicates.Config.defaults().withThreshold(0.8)).apply(in);
        assertThat(o.kept()).containsExactly(in.get(0), in.get(1));
        assertThat(o.report().details()).isEqualTo(Map.of("near_duplicate", 2));
    }

    @Test
    void lengthFiltersCountCharactersOrTokensWithAnyCounter() {
        List<Example> in = List.of(text("ab"), text("abcd"), text("abcdefgh"), text("one two three four five"));
        StepOutcome chars = CleaningSteps.length(LengthLimits.chars(3, 10)).apply(in);
        assertThat(texts(chars)).containsExactly("abcd", "abcdefgh");
        assertThat(chars.report().details()).isEqualTo(Map.of("too_short_chars", 1, "too_long_chars", 1));
        java.util.function.ToIntFunction<String> words = s -> s.split("\\s+").length;
        StepOutcome tokens = CleaningSteps.length(LengthLimits.tokens(words, 2, 4)).apply(in);
        assertThat(tokens.kept()).isEmpty();
        assertThat(tokens.report().details()).isEqualTo(Map.of("too_short_tokens", 3, "too_long_tokens", 1));
    }

    @Test
    void thePipelineReportsEveryStepAndCountsAddUp() {
        List<Example> in = List.of(text(" Hello\u0000 world "), text("Hello world"), text("   "),
                text("mail me at a.b@example.com"), text("x".repeat(50)));
        CleaningPipeline.Result r = CleaningPipeline.standard(new PiiRedactor(PiiRegistry.withDefaults()),
                NearDuplicates.Config.defaults(), LengthLimits.chars(0, 40)).run(in);
        assertThat(r.reports()).extracting(StepReport::step).containsExactly("unicode_nfc", "control_characters",
                "whitespace", "pii_redaction", "empty_rows", "exact_duplicates", "near_duplicates", "length");
        for (int i = 1; i < r.reports().size(); i++) {
            assertThat(r.reports().get(i).in()).isEqualTo(r.reports().get(i - 1).out());
        }
        assertThat(r.kept()).extracting(Example::joinedText).containsExactly("Hello world", "mail me at {{EMAIL}}");
        assertThat(r.reports().get(3).details()).isEqualTo(Map.of("email", 1));
    }
}
