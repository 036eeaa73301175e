package dev.lathe.eval.metrics.bleu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lathe.eval.metrics.pytext.PyStr;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** The 13a / intl / char / none tokenizers give sacreBLEU 2.6.0's output string for string. */
class BleuTokenizerTest {

  @TestFactory
  Stream<DynamicTest> tokenizersReproduceSacreBleuOutputs() {
    List<DynamicTest> out = new ArrayList<>();
    for (JsonNode c : Vectors.load("bleu/tokenizers.json").get("cases")) {
      BleuTokenizer t = BleuTokenizer.of(c.get("tokenizer").asText());
      String in = c.get("input").asText();
      out.add(DynamicTest.dynamicTest(t.signature() + ": " + in.replace("\n", "\\n"),
          () -> assertThat(t.tokenize(in)).isEqualTo(c.get("output").asText())));
    }
    return out.stream();
  }

  @Test
  void pythonWhitespaceIsExactlyTheSetPythonsIsspaceAccepts() {
    Set<Integer> expected = new HashSet<>();
    for (JsonNode n : Vectors.load("bleu/tokenizers.json").get("python_whitespace")) expected.add(n.asInt());
    for (int cp = 0; cp < 0x110000; cp++) assertThat(PyStr.isSpace(cp)).as("U+%04X", cp).isEqualTo(expected.contains(cp));
  }

  @Test
  void unknownTokenizerNamesTheValue() {
    assertThatThrownBy(() -> BleuTokenizer.of("zh")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'zh'");
    assertThatThrownBy(() -> BleuSmoothing.of("add-one")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'add-one'");
  }
}
