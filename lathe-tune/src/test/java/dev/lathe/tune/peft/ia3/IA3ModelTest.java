package dev.lathe.tune.peft.ia3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lathe.engine.autograd.Autograd;
import dev.lathe.engine.tensor.Tensor;
import dev.lathe.models.family.bert.BertModel;
import dev.lathe.tune.peft.AdapterBase;
import dev.lathe.tune.peft.TargetModules;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** IA3's merged weights make an ordinary checkpoint: a plain BERT built from them computes the adapted output. */
class IA3ModelTest {
    private static final int[][] IDS = {{2, 17, 5, 33, 9}, {2, 8, 39, 3, 0}};
    private static final int[][] MASK = {{1, 1, 1, 1, 1}, {1, 1, 1, 1, 0}};

    @Test
    void mergedTensorsOverTheBaseWeightsGiveAPlainModelWithTheAdaptersOutput() throws Exception {
        Path dir = Path.of(IA3ModelTest.class.getResource("/tiny-models/bert-tiny").toURI());
        try (BertModel bert = BertModel.load(dir)) {
            IA3Model ia3 = new IA3Model(new AdapterBase.Bert(bert),
                    IA3Config.of(TargetModules.of("key", "value", "output.dense"), TargetModules.of("output.dense")), 1);
            SplittableRandom rng = new SplittableRandom(4);
            for (Tensor v : ia3.adapterStateDict().values()) {
                for (int i = 0; i < v.numel(); i++) {
                    v.data().setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, (float) (0.5 + rng.nextDouble()));
                }
            }
            float[] adapted = Autograd.noGrad(() -> bert.forward(IDS, MASK, null, ia3.hook())).toFloatArray();
            Map<String, Tensor> merged = ia3.mergedTensors();
            assertThat(merged).containsKeys("encoder.layer.0.attention.self.key.weight",
                    "encoder.layer.0.attention.self.key.bias", "encoder.layer.1.output.dense.weight");
            assertThat(ia3.merged()).isFalse();
            BertModel plain = BertModel.load(name -> merged.getOrDefault(name, bert.parameters().get(name)),
                    bert.config());
            float[] fromCheckpoint = plain.lastHiddenState(IDS, MASK, null).toFloatArray();
            for (int i = 0; i < adapted.length; i++) {
                assertThat(fromCheckpoint[i]).as("element " + i).isCloseTo(adapted[i],
                        org.assertj.core.data.Offset.offset(1e-5f));
            }
        }
    }
}
