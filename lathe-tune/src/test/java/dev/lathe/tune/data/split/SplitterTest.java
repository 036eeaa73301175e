package dev.lathe.tune.data.split;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lathe.tune.data.Example;
import dev.lathe.tune.data.Origin;
import dev.lathe.tune.data.TextExample;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SplitterTest {
    private static Example rec(String text, String label, int i) {
        return new TextExample(text, label, new Origin("mem", i + 1, i + 1));
    }

    /** 1000 distinct labelled records: a 500, b 300, c 150, d 50. */
    private static List<Example> labelled() {
        List<Example> out = new ArrayList<>();
        int[] sizes = {500, 300, 150, 50};
        for (int l = 0; l < 4; l++) {
            for (int i = 0; i < sizes[l]; i++) {
                out.add(rec("record " + out.size() + " zq" + Integer.toString(out.size() * 7919, 36) + " of " + (char) ('a' + l), "" + (char) ('a' + l), out.size()));
            }
        }
        return out;
    }

    private static Map<String, Long> labels(List<Example> split) {
        return split.stream().collect(Collectors.groupingBy(Example::label, Collectors.counting()));
    }

    @Test
    void stratifiedSplitsKeepEveryLabelsProportionToTheRecord() {
        Splits s = Splitter.split(labelled(), SplitConfig.of(0.8, 0.1, 0.1, 42));
        assertThat(s.stratified()).isTrue();
        assertThat(labels(s.train())).isEqualTo(Map.of("a", 400L, "b", 240L, "c", 120L, "d", 40L));
        assertThat(labels(s.validation())).isEqualTo(Map.of("a", 50L, "b", 30L, "c", 15L, "d", 5L));
        assertThat(labels(s.test())).isEqualTo(Map.of("a", 50L, "b", 30L, "c", 15L, "d", 5L));
    }

    @Test
    void theSameSeedGivesTheSameSplitsAndAnotherSeedOthers() {
        List<Example> data = labelled();
        Splits a = Splitter.split(data, SplitConfig.of(0.8, 0.1, 0.1, 7));
        Splits b = Splitter.split(data, SplitConfig.of(0.8, 0.1, 0.1, 7));
        Splits c = Splitter.split(data, SplitConfig.of(0.8, 0.1, 0.1, 8));
        assertThat(a).isEqualTo(b);
        assertThat(c.test()).isNotEqualTo(a.test());
        assertThat(a.train()).as("records keep their input order").isSortedAccordingTo(
                java.util.Comparator.comparingLong(e -> e.origin().record()));
    }

    @Test
    void unlabelledRecordsAreSplitByOverallFractions() {
        List<Example> data = labelled().stream().map(e -> (Example) new TextExample(((TextExample) e).text(), null, e.origin())).toList();
        Splits s = Splitter.split(data, SplitConfig.of(0.7, 0.2, 0.1, 1));
        assertThat(s.stratified()).isFalse();
        assertThat(List.of(s.train().size(), s.validation().size(), s.test().size())).containsExactly(700, 200, 100);
    }

    @Test
    void duplicatesAndNearDuplicatesNeverStraddleTwoSplits() {
        List<Example> data = new ArrayList<>();
        for (int g = 0; g < 120; g++) {
            String base = "customer question number " + g + " about order " + Integer.toString(g * 104729, 36)
                    + " and a refund for the damaged item that arrived late";
            data.add(rec(base, g % 2 == 0 ? "x" : "y", data.size()));
            data.add(rec(base, g % 2 == 0 ? "x" : "y", data.size()));            // exact duplicate
            data.add(rec(base + "!", g % 2 == 0 ? "x" : "y", data.size()));      // near duplicate
        }
        Splits s = Splitter.split(data, SplitConfig.of(0.6, 0.2, 0.2, 3));
        assertThat(s.groups()).isEqualTo(120);
        Map<String, Integer> splitOfGroup = new HashMap<>();
        for (int i = 0; i < 3; i++) {
            for (Example e : s.get(i)) {
                String key = ((TextExample) e).text().replace("!", "");
                Integer prev = splitOfGroup.putIfAbsent(key, i);
                assertThat(prev == null || prev == i).as("group of %s in splits %s and %s", key, prev, i).isTrue();
            }
        }
        assertThat(s.train().size() + s.validation().size() + s.test().size()).isEqualTo(360);
        assertThat(s.test().size()).isEqualTo(72); // 0.2 of each label's 60 groups x 3 records
    }

    @Test
    void targetsRoundByLargestRemainder() {
        assertThat(Splitter.targets(10, new double[] {0.8, 0.1, 0.1})).containsExactly(8, 1, 1);
        assertThat(Splitter.targets(2, new double[] {0.8, 0.1, 0.1})).as("rare labels stay in train").containsExactly(2, 0, 0);
        assertThat(Splitter.targets(7, new double[] {0.5, 0.5, 0})).containsExactly(4, 3, 0);
    }

    @Test
    void badFractionsAndStratifyingWithoutLabelsAreErrors() {
        assertThatThrownBy(() -> SplitConfig.of(0.8, 0.3, 0.1, 1)).hasMessageContaining("sum to 1");
        List<Example> mixed = List.of(rec("a", "x", 0), rec("b", null, 1));
        assertThatThrownBy(() -> Splitter.split(mixed, new SplitConfig(0.5, 0.5, 0, 1, true, null)))
                .hasMessageContaining("mem: record 2 (line 2) has no label");
        assertThat(Splitter.split(mixed, SplitConfig.of(0.5, 0.5, 0, 1)).stratified()).isFalse();
    }
}
