package dev.lathe.tune.data.split;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lathe.tune.data.Example;
import dev.lathe.tune.data.Origin;
import dev.lathe.tune.data.TextExample;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class SplitterProperties {
    @Property(tries = 60)
    void splitsPartitionTheRecordsAndHitTheTargetsForDistinctRecords(@ForAll @IntRange(min = 0, max = 300) int n,
            @ForAll @IntRange(min = 1, max = 5) int labels, @ForAll @IntRange(min = 0, max = 10) int validationTenths,
            @ForAll long seed) {
        int val = Math.min(validationTenths, 10);
        double v = val / 10.0, t = val == 10 ? 0 : (10 - val) / 20.0, tr = 1 - v - t;
        List<Example> data = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            data.add(new TextExample("distinct record " + i + " #" + Long.toString(i * 2654435761L, 36), "l" + (i % labels),
                    new Origin("p", i + 1, i + 1)));
        }
        SplitConfig cfg = new SplitConfig(tr, v, t, seed, null, null);
        Splits s = Splitter.split(data, cfg);
        List<Example> all = new ArrayList<>(s.train());
        all.addAll(s.validation());
        all.addAll(s.test());
        assertThat(all).containsExactlyInAnyOrderElementsOf(data);
        assertThat(Splitter.split(data, cfg)).isEqualTo(s);
        // per label, counts equal the largest-remainder targets exactly (all groups are singletons)
        for (int l = 0; l < labels; l++) {
            String label = "l" + l;
            int size = (int) data.stream().filter(e -> e.label().equals(label)).count();
            int[] target = Splitter.targets(size, new double[] {tr, v, t});
            for (int k = 0; k < 3; k++) {
                assertThat(s.get(k).stream().filter(e -> e.label().equals(label)).count()).isEqualTo(target[k]);
            }
        }
    }
}
