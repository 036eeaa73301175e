package dev.lathe.tune.peft.lora;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.engine.autograd.Autograd;
import dev.lathe.engine.op.Losses;
import dev.lathe.engine.optim.AdamW;
import dev.lathe.engine.tensor.Tensor;
import dev.lathe.models.family.DecoderWeights;
import dev.lathe.tune.peft.TargetModules;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * LoRA on every projection of the tiny GQA Llama matches tools/reference/lora.py (PEFT's LoRA math in
 * PyTorch): logits, loss, the gradient of every lora_A/lora_B, and the adapter after 3 AdamW steps.
 */
class LoraParityTest {
    static final double TOLERANCE = 1e-4;

    @Test
    void logitsLossGradientsAndThreeAdamWStepsMatchPyTorch() throws IOException {
        JsonNode doc = new ObjectMapper().readTree(TinyModels.resource("lora/llama-gqa-lora.json").toFile());
        JsonNode tensors = doc.get("tensors");
        List<String> targets = new ArrayList<>();
        doc.get("target_modules").forEach(n -> targets.add(n.asText()));
        int[][] ids = new int[doc.get("ids").size()][];
        for (int i = 0; i < ids.length; i++) {
            JsonNode row = doc.get("ids").get(i);
            ids[i] = new int[row.size()];
            for (int j = 0; j < row.size(); j++) {
                ids[i][j] = row.get(j).intValue();
            }
        }
        try (TinyModels.Loaded m = TinyModels.load("llama-gqa")) {
            LoraConfig config = LoraConfig.of(doc.get("r").intValue(), doc.get("lora_alpha").doubleValue(),
                    new TargetModules(targets, null));
            LoraModel lora = LoraModel.create(m.model(), "default", config, 1);
            Map<String, Tensor> saved = lora.adapterStateDict("default");
            assertThat(saved).hasSize(2 * 7 * 2);
            for (Map.Entry<String, Tensor> e : saved.entrySet()) {
                TinyModels.fill(e.getValue(), values(tensors, "init." + e.getKey()));
            }
            int[] targetIds = targets(ids);
            double worst = 0;

            Tensor logits = lora.logits(ids);
            worst = Math.max(worst, check("logits", logits.toFloatArray(), values(tensors, "logits")));
            Tensor loss = Losses.crossEntropy(logits, targetIds);
            worst = Math.max(worst, check("loss", loss.toFloatArray(), values(tensors, "loss")));
            Autograd.backward(loss);
            for (Map.Entry<String, Tensor> e : saved.entrySet()) {
                assertThat(e.getValue().grad()).as("gradient of " + e.getKey()).isNotNull();
                worst = Math.max(worst, check("grad " + e.getKey(), e.getValue().grad().toFloatArray(),
                        values(tensors, "grad." + e.getKey())));
            }
            for (DecoderWeights.Layer l : m.model().weights().layers()) {
                assertThat(l.q().weight().requiresGrad()).isFalse();
                assertThat(l.q().weight().grad()).isNull();
                assertThat(l.down().weight().grad()).isNull();
            }
            assertThat(m.model().weights().embed().grad()).isNull();
            assertThat(m.model().weights().lmHead().grad()).isNull();

            // Restart from the initial values and train as the reference does.
            for (Map.Entry<String, Tensor> e : saved.entrySet()) {
                TinyModels.fill(e.getValue(), values(tensors, "init." + e.getKey()));
            }
            Map<String, Tensor> params = lora.trainableParameters();
            assertThat(params.keySet()).allMatch(k -> k.contains(".lora_A.default.weight")
                    || k.contains(".lora_B.default.weight"));
            JsonNode hp = doc.get("adamw");
            AdamW opt = new AdamW(params, AdamW.Config.defaults().withLr(hp.get("lr").doubleValue())
                    .withWeightDecay(hp.get("weight_decay").doubleValue()));
            float[] stepLosses = new float[hp.get("steps").intValue()];
            for (int s = 0; s < stepLosses.length; s++) {
                opt.zeroGrad();
                Tensor l = Losses.crossEntropy(lora.logits(ids), targetIds);
                stepLosses[s] = l.item();
                Autograd.backward(l);
                opt.step();
            }
            worst = Math.max(worst, check("step losses", stepLosses, values(tensors, "step_losses")));
            for (Map.Entry<String, Tensor> e : saved.entrySet()) {
                worst = Math.max(worst, check("trained " + e.getKey(), e.getValue().toFloatArray(),
                        values(tensors, "trained." + e.getKey())));
            }
            System.out.println("LoraParityTest: max relative difference vs PyTorch " + worst);
        }
    }

    /** Next-token targets: ids shifted left, the last position of each row ignored. */
    static int[] targets(int[][] ids) {
        int t = ids[0].length;
        int[] out = new int[ids.length * t];
        for (int i = 0; i < ids.length; i++) {
            for (int j = 0; j < t; j++) {
                out[i * t + j] = j + 1 < t ? ids[i][j + 1] : Losses.DEFAULT_IGNORE_INDEX;
            }
        }
        return out;
    }

    private static double check(String what, float[] actual, float[] expected) {
        double d = TinyModels.maxRelDiff(actual, expected);
        assertThat(d).as(what + ": max relative difference").isLessThanOrEqualTo(TOLERANCE);
        return d;
    }

    static float[] values(JsonNode tensors, String name) {
        JsonNode t = tensors.get(name);
        if (t == null) {
            throw new AssertionError("reference file has no tensor " + name);
        }
        JsonNode data = t.get("data");
        float[] out = new float[data.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) data.get(i).doubleValue();
        }
        return out;
    }
}
