package dev.lathe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Runs `lathe bench eval --pairs 200` end to end so the benchmark cannot rot; timings are not asserted. */
class BenchEvalCommandTest {

    @Test
    void smallRunPrintsTheInputSizeAndARowPerMetricWithMidRangeScores() {
        ModelCommandsTest.Result r = ModelCommandsTest.ok("bench", "eval", "--pairs", "200", "--seed", "7",
                "--runs", "1");
        assertThat(r.out()).containsPattern("pairs 200 \\(seed 7, vocabulary 3000 words\\): hypotheses [0-9,]+ chars");
        assertThat(r.out()).containsPattern("(?m)^BLEU \\(13a\\) +[0-9.]+ +[0-9]+  BLEU\\|nrefs:1\\|.*tok:13a.* = [0-9.]+ ");
        assertThat(r.out()).containsPattern("(?m)^ROUGE-L +[0-9.]+ +[0-9]+  mean F 0\\.[0-9]{4}");
        assertThat(r.out()).containsPattern("(?m)^ROUGE-L \\(stemmed\\) +[0-9.]+ +[0-9]+  mean F 0\\.[0-9]{4}");
    }

    @Test
    void thePairsAreSeededAndTheReferencesOnlyPartlyMatch() {
        BenchEvalCommand.Pairs a = BenchEvalCommand.generate(50, 3);
        assertThat(BenchEvalCommand.generate(50, 3)).isEqualTo(a);
        assertThat(BenchEvalCommand.generate(50, 4)).isNotEqualTo(a);
        for (String h : a.hypotheses()) {
            int words = h.split(" ").length;
            assertThat(words).isBetween(10, 40);
            assertThat(h).endsWith(".");
        }
        double f = BenchEvalCommand.meanRougeL(new dev.lathe.eval.metrics.rouge.RougeScorer(java.util.List.of("rougeL"),
                false), a);
        assertThat(f).isBetween(0.5, 0.9);
        // Some references differ from their hypothesis only in suffixes, which stemming forgives.
        double stemmed = BenchEvalCommand.meanRougeL(new dev.lathe.eval.metrics.rouge.RougeScorer(
                java.util.List.of("rougeL"), true), a);
        assertThat(stemmed).isGreaterThan(f);
    }
}
