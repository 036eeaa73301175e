package dev.lathe.eval.metrics.bleu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * BLEU against sacreBLEU 2.6.0: its published test cases (scores within their published tolerance) and
 * our own cases, with scores and precisions within 1e-4 and counts, totals and lengths exact, plus the
 * formatted score line and the signature (version field aside) character for character.
 */
class BleuSacreBleuVectorsTest {

  static BleuOptions options(JsonNode o) {
    JsonNode sv = o.get("smooth_value");
    return new BleuOptions(o.get("lowercase").asBoolean(), o.get("force").asBoolean(),
        BleuTokenizer.of(o.get("tokenize").asText()), BleuSmoothing.of(o.get("smooth_method").asText()),
        sv.isNull() ? Double.NaN : sv.asDouble(), o.get("max_ngram_order").asInt(), o.get("effective_order").asBoolean());
  }

  static BleuScore run(JsonNode c) {
    Bleu bleu = new Bleu(options(c.get("options")));
    return c.get("level").asText().equals("sentence")
        ? bleu.sentenceScore(c.get("hyps").asText(), Vectors.strings(c.get("refs")))
        : bleu.corpusScore(Vectors.strings(c.get("hyps")), Vectors.streams(c.get("refs")));
  }

  static void check(JsonNode c) {
    BleuScore s = run(c);
    JsonNode e = c.get("expected");
    assertThat(s.score()).as("score").isCloseTo(e.get("score").asDouble(), within(1e-4));
    assertThat(s.counts()).as("counts").containsExactly(Vectors.longs(e.get("counts")));
    assertThat(s.totals()).as("totals").containsExactly(Vectors.longs(e.get("totals")));
    assertThat(s.sysLen()).as("sys_len").isEqualTo(e.get("sys_len").asLong());
    assertThat(s.refLen()).as("ref_len").isEqualTo(e.get("ref_len").asLong());
    assertThat(s.precisions()).as("precisions").containsExactly(Vectors.doubles(e.get("precisions")), within(1e-4));
    assertThat(s.bp()).as("bp").isCloseTo(e.get("bp").asDouble(), within(1e-9));
    assertThat(s.format()).as("format").isEqualTo(e.get("format").asText());
    assertThat(s.signature().format(false)).isEqualTo(Vectors.ourSignature(e.get("signature").asText()));
    assertThat(s.signature().format(true)).isEqualTo(Vectors.ourSignature(e.get("signature_short").asText()));
    JsonNode p = c.get("published");
    if (p != null) {
      double got = p.get("unit").asText().equals("fraction") ? s.score() / 100 : s.score();
      if (p.get("value").isTextual()) assertThat(s.format(2, false)).startsWith("BLEU = " + p.get("value").asText() + " ");
      else if (p.get("tolerance").isNull()) assertThat(got).isEqualTo(p.get("value").asDouble());
      else assertThat(got).isCloseTo(p.get("value").asDouble(), within(p.get("tolerance").asDouble()));
    }
    JsonNode ps = c.get("published_statistics");
    if (ps != null) {
      assertThat(s.counts()).containsExactly(Vectors.longs(ps.get("counts")));
      assertThat(s.totals()).containsExactly(Vectors.longs(ps.get("totals")));
    }
  }

  static Stream<DynamicTest> tests(String resource) {
    List<DynamicTest> out = new ArrayList<>();
    for (JsonNode c : Vectors.load(resource).get("cases"))
      out.add(DynamicTest.dynamicTest(c.get("name").asText(), () -> check(c)));
    return out.stream();
  }

  @TestFactory
  Stream<DynamicTest> sacreBleusPublishedCasesGiveItsScoresAndStatistics() {
    return tests("bleu/sacrebleu_published.json");
  }

  @TestFactory
  Stream<DynamicTest> ownUnicodeEmptyAndSingleWordCasesMatchSacreBleu() {
    return tests("bleu/own_cases.json");
  }

  @TestFactory
  Stream<DynamicTest> scoresFromBareStatisticsMatchComputeBleu() {
    List<DynamicTest> out = new ArrayList<>();
    for (JsonNode c : Vectors.load("bleu/sacrebleu_published.json").get("statistics_cases")) {
      out.add(DynamicTest.dynamicTest(c.get("name").asText(), () -> {
        JsonNode st = c.get("statistics");
        BleuScore s = Bleu.compute(Vectors.longs(st.get("correct")), Vectors.longs(st.get("total")),
            st.get("sys_len").asLong(), st.get("ref_len").asLong(), options(c.get("options")), 1);
        JsonNode p = c.get("published");
        if (p.get("tolerance").isNull()) assertThat(s.score() / 100).isEqualTo(p.get("value").asDouble());
        else assertThat(s.score() / 100).isCloseTo(p.get("value").asDouble(), within(p.get("tolerance").asDouble()));
        assertThat(s.score()).isCloseTo(c.get("expected").get("score").asDouble(), within(1e-4));
        assertThat(s.precisions()).containsExactly(Vectors.doubles(c.get("expected").get("precisions")), within(1e-4));
        assertThat(s.bp()).isCloseTo(c.get("expected").get("bp").asDouble(), within(1e-9));
      }));
    }
    return out.stream();
  }
}
