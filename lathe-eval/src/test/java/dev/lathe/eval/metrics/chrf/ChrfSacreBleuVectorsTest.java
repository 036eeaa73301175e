package dev.lathe.eval.metrics.chrf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lathe.eval.metrics.bleu.Vectors;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * chrF / chrF++ against sacreBLEU 2.6.0: published cases within their tolerance, every case within 1e-4,
 * the [hyp, ref, match] statistics (summed and per segment) exact, name, score line and signature.
 */
class ChrfSacreBleuVectorsTest {

  static ChrfOptions options(JsonNode o) {
    return new ChrfOptions(o.get("char_order").asInt(), o.get("word_order").asInt(), o.get("beta").asInt(),
        o.get("lowercase").asBoolean(), o.get("whitespace").asBoolean(), o.get("eps_smoothing").asBoolean());
  }

  static void check(JsonNode c) {
    Chrf chrf = new Chrf(options(c.get("options")));
    boolean sentence = c.get("level").asText().equals("sentence");
    List<String> hyps = sentence ? List.of(c.get("hyps").asText()) : Vectors.strings(c.get("hyps"));
    List<List<String>> streams = new ArrayList<>();
    if (sentence) for (String r : Vectors.strings(c.get("refs"))) streams.add(java.util.Collections.singletonList(r));
    else streams = Vectors.streams(c.get("refs"));
    ChrfScore s = sentence ? chrf.sentenceScore(hyps.getFirst(), Vectors.strings(c.get("refs")))
        : chrf.corpusScore(hyps, streams);
    JsonNode e = c.get("expected");
    assertThat(s.score()).as("score").isCloseTo(e.get("score").asDouble(), within(1e-4));
    assertThat(s.statistics().stats()).as("statistics").containsExactly(Vectors.longs(e.get("statistics")));
    List<ChrfStatistics> segs = chrf.segmentStatistics(hyps, streams);
    JsonNode es = e.get("segment_statistics");
    assertThat(segs).hasSize(es.size());
    for (int i = 0; i < segs.size(); i++)
      assertThat(segs.get(i).stats()).as("segment %d", i).containsExactly(Vectors.longs(es.get(i)));
    assertThat(s.name()).isEqualTo(e.get("name").asText());
    assertThat(s.format()).isEqualTo(e.get("format").asText());
    assertThat(s.signature().format(false)).isEqualTo(Vectors.ourSignature(e.get("signature").asText()));
    assertThat(s.signature().format(true)).isEqualTo(Vectors.ourSignature(e.get("signature_short").asText()));
    JsonNode p = c.get("published");
    if (p != null) assertThat(s.score()).isCloseTo(p.get("value").asDouble(), within(p.get("tolerance").asDouble()));
  }

  static Stream<DynamicTest> tests(String resource) {
    List<DynamicTest> out = new ArrayList<>();
    for (JsonNode c : Vectors.load(resource).get("cases"))
      out.add(DynamicTest.dynamicTest(c.get("name").asText(), () -> check(c)));
    return out.stream();
  }

  @TestFactory
  Stream<DynamicTest> sacreBleusPublishedChrfCasesGiveItsScores() {
    return tests("chrf/sacrebleu_published.json");
  }

  @TestFactory
  Stream<DynamicTest> ownUnicodeEmptySingleWordAndChrfPlusPlusCasesMatchSacreBleu() {
    return tests("chrf/own_cases.json");
  }
}
