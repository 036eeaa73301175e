package dev.lathe.eval.metrics.chrf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The chrF API around the numbers: names, formatting, word tokenization and argument errors. */
class ChrfApiTest {

  @Test
  void chrfPlusPlusIsNamedAndSignedAsSacreBleuDoes() {
    ChrfScore s = new Chrf(ChrfOptions.chrfPlusPlus()).sentenceScore("a cat", List.of("a cat"));
    assertThat(s.format(1, true)).isEqualTo("chrF2++|nrefs:1|case:mixed|eff:yes|nc:6|nw:2|space:no|version:2.6.0+lathe = 100.0");
    assertThat(new Chrf(ChrfOptions.chrf().withBeta(3).withEpsSmoothing(true)).sentenceScore("a", List.of("a")).name())
        .isEqualTo("chrF3");
  }

  @Test
  void wordTokenizationPeelsOneAsciiPunctuationMarkPerWord() {
    assertThat(Chrf.splitPunctuation("(hi) there, 'x' . «a» 🍕!"))
        .containsExactly("(hi", ")", "there", ",", "'x", "'", ".", "«a»", "🍕", "!");
  }

  @Test
  void argumentErrorsNameTheArgumentAndValue() {
    Chrf chrf = new Chrf(ChrfOptions.chrf());
    assertThatThrownBy(() -> chrf.corpusScore(List.of("a", "b"), List.of(List.of("a")))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("referenceStreams[0]");
    assertThatThrownBy(() -> ChrfOptions.chrf().withCharOrder(0)).hasMessageContaining("charOrder").hasMessageContaining("0");
    assertThatThrownBy(() -> chrf.score(new ChrfStatistics(new long[3], 1))).hasMessageContaining("1 orders");
  }
}
