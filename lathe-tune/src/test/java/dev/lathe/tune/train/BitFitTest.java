package dev.lathe.tune.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lathe.models.family.DecoderFamilies;
import dev.lathe.models.format.Weights;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** BitFit on decoders: only bias terms train (Qwen2's q/k/v biases); a model without biases is refused. */
class BitFitTest {
    @TempDir
    Path tmp;

    static Path model(String name) throws URISyntaxException {
        return Path.of(BitFitTest.class.getResource("/tiny-models/" + name).toURI());
    }

    @Test
    void onQwen2OnlyTheQkvBiasesTrainAndTheLossFalls() throws Exception {
        Path dir = model("qwen2-bias");
        try (Weights w = Weights.open(dir)) {
            FullFineTuning bitFit = TrainableModel.bitFit(DecoderFamilies.load(dir, w));
            assertThat(bitFit.trainableParameters()).isNotEmpty().allSatisfy((n, t) -> assertThat(n).endsWith(".bias"))
                    .containsKey("model.layers.0.self_attn.q_proj.bias");
            Map<String, float[]> frozen = new LinkedHashMap<>();
            bitFit.parameters().forEach((n, t) -> {
                if (!n.endsWith(".bias")) {
                    frozen.put(n, t.toFloatArray());
                }
            });
            Trainer.Result r = new Trainer(bitFit, TrainerTest.DATA, List.of(), TrainerConfig.builder(tmp.resolve("run"))
                    .batchSize(2).lr(5e-2).maxSteps(12).build()).train();
            double[] loss = r.steps().stream().mapToDouble(Trainer.StepMetrics::loss).toArray();
            assertThat(loss[loss.length - 1]).isLessThan(loss[0]);
            frozen.forEach((n, v) -> assertThat(bitFit.parameters().get(n).toFloatArray()).as(n).containsExactly(v));
        }
    }

    @Test
    void aLlamaWithoutBiasesIsRefusedWithTheReason() throws IOException, URISyntaxException {
        Path dir = model("llama-gqa");
        try (Weights w = Weights.open(dir)) {
            assertThatThrownBy(() -> TrainableModel.bitFit(DecoderFamilies.load(dir, w)))
                    .hasMessageContaining("BitFit trains only biases").hasMessageContaining("no trainable bias");
        }
    }
}
