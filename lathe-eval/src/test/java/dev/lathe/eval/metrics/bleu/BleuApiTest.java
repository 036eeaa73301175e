package dev.lathe.eval.metrics.bleu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The BLEU API around the numbers: defaults, formatting, statistics arithmetic and argument errors. */
class BleuApiTest {

  static final List<String> HYPS = List.of("The dog bit the man.", "It wasn't surprising.", "The man had just bitten him.");
  static final List<List<String>> REFS = List.of(
      List.of("The dog bit the man.", "It was not unexpected.", "The man bit him first."),
      List.of("The dog had bit the man.", "No one was surprised.", "The man had bitten the dog."));

  @Test
  void corpusScoreFormatsLikeSacreBleusCommandLine() {
    BleuScore s = new Bleu(BleuOptions.defaults()).corpusScore(HYPS, REFS);
    assertThat(s.format(1, true)).isEqualTo("BLEU|nrefs:2|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0+lathe = 48.5 "
        + "82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18)");
  }

  @Test
  void signatureShowsSmoothingValueWithTwoDecimals() {
    BleuOptions o = BleuOptions.sentenceDefaults().withSmoothing(BleuSmoothing.FLOOR).withLowercase(true)
        .withTokenizer(BleuTokenizer.INTL);
    assertThat(new Bleu(o).sentenceScore("a b", List.of("a b", "a c")).signature().format(false))
        .isEqualTo("nrefs:2|case:lc|eff:yes|tok:intl|smooth:floor[0.10]|version:2.6.0+lathe");
    assertThat(new Bleu(o.withSmoothing(BleuSmoothing.ADD_K, 2)).sentenceScore("a", List.of("a")).signature().smooth())
        .isEqualTo("add-k[2.00]");
  }

  @Test
  void summedSegmentStatisticsGiveTheCorpusScoreAndVariableRefsGiveVar() {
    Bleu bleu = new Bleu(BleuOptions.defaults());
    List<List<String>> refs = List.of(Arrays.asList(null, "It was not unexpected.", "The man bit him first."), REFS.get(1));
    List<BleuStatistics> segs = bleu.segmentStatistics(HYPS, refs);
    assertThat(segs.get(0).numRefs()).isEqualTo(1);
    BleuStatistics sum = Bleu.sum(segs);
    assertThat(sum.numRefs()).isEqualTo(-1);
    assertThat(bleu.score(sum)).isEqualTo(bleu.corpusScore(HYPS, refs));
    assertThat(bleu.score(sum).signature().nrefs()).isEqualTo("var");
  }

  @Test
  void addKKeepsRawCountsButSmoothsThePrecisions() {
    BleuScore s = Bleu.compute(new long[] {2, 0, 0, 0}, new long[] {3, 2, 1, 0}, 3, 3,
        BleuOptions.sentenceDefaults().withSmoothing(BleuSmoothing.ADD_K), 1);
    assertThat(s.counts()).containsExactly(2, 0, 0, 0);
    assertThat(s.precisions()).containsExactly(100.0 * 2 / 3, 100.0 / 3, 100.0 / 2, 100.0);
  }

  @Test
  void argumentErrorsNameTheArgumentAndValue() {
    Bleu bleu = new Bleu(BleuOptions.defaults());
    assertThatThrownBy(() -> bleu.corpusScore(HYPS, List.of(List.of("one")))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("referenceStreams[0]").hasMessageContaining("got 1");
    assertThatThrownBy(() -> bleu.corpusScore(Arrays.asList("a", null), List.of(List.of("a", "b"))))
        .hasMessageContaining("hypotheses[1]");
    assertThatThrownBy(() -> bleu.corpusScore(List.of("a"), List.of(Arrays.asList((String) null))))
        .hasMessageContaining("segment 0 has no reference");
    assertThatThrownBy(() -> bleu.sentenceScore("a", List.of())).hasMessageContaining("references");
    assertThatThrownBy(() -> BleuOptions.defaults().withMaxNgramOrder(0)).hasMessageContaining("maxNgramOrder")
        .hasMessageContaining("0");
    assertThatThrownBy(() -> bleu.score(new BleuStatistics(1, 1, new long[2], new long[2], 1)))
        .hasMessageContaining("order 2");
  }
}
