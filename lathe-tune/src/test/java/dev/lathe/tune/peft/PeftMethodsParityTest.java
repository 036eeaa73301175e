package dev.lathe.tune.peft;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.engine.autograd.Autograd;
import dev.lathe.engine.optim.AdamW;
import dev.lathe.engine.tensor.Tensor;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Prompt tuning, prefix tuning and IA3 on the tiny Llama and the tiny BERT, and LoRA on the tiny BERT, match
 * tools/reference/peft_methods.py (PEFT's semantics in plain PyTorch): the loss, the gradient of every adapter
 * tensor, and the losses of and the adapter after 3 AdamW steps, each within 1e-4 (relative, or absolute
 * below 1).
 */
class PeftMethodsParityTest {
    static final double TOLERANCE = 1e-4;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"llama-prompt", "llama-prefix", "llama-ia3", "bert-prompt", "bert-prefix", "bert-ia3",
        "bert-lora"})
    void lossGradientsAndThreeAdamWStepsMatchPyTorch(String name) throws Exception {
        JsonNode doc = new ObjectMapper().readTree(PeftRows.resource("peft-methods/" + name + ".json").toFile());
        JsonNode tensors = doc.get("tensors");
        try (PeftRows.Base base = PeftRows.base(doc.get("family").asText())) {
            PeftRows.Row row = PeftRows.create(base.adapterBase(), doc);
            Tensor head = tensors.has("head")
                    ? Tensor.of(PeftRows.values(tensors, "head"), PeftRows.shape(tensors, "head")) : null;
            Map<String, Tensor> saved = row.saved();
            assertThat(saved.keySet()).as("adapter tensors vs the reference's")
                    .containsExactlyInAnyOrderElementsOf(tensors.properties().stream().map(Map.Entry::getKey)
                            .filter(k -> k.startsWith("init.")).map(k -> k.substring(5)).toList());
            init(saved, tensors);
            double worst = 0;
            Tensor loss = PeftRows.loss(base.adapterBase(), row, head);
            worst = Math.max(worst, check(name + " loss", loss.toFloatArray(), PeftRows.values(tensors, "loss")));
            Autograd.backward(loss);
            for (Map.Entry<String, Tensor> e : saved.entrySet()) {
                assertThat(e.getValue().grad()).as("gradient of " + e.getKey()).isNotNull();
                worst = Math.max(worst, check(name + " grad " + e.getKey(), e.getValue().grad().toFloatArray(),
                        PeftRows.values(tensors, "grad." + e.getKey())));
            }

            init(saved, tensors);
            Map<String, Tensor> params = row.trainable();
            JsonNode hp = doc.get("adamw");
            AdamW opt = new AdamW(params, AdamW.Config.defaults().withLr(hp.get("lr").doubleValue())
                    .withWeightDecay(hp.get("weight_decay").doubleValue()));
            float[] stepLosses = new float[hp.get("steps").intValue()];
            for (int s = 0; s < stepLosses.length; s++) {
                opt.zeroGrad();
                Tensor l = PeftRows.loss(base.adapterBase(), row, head);
                stepLosses[s] = l.item();
                Autograd.backward(l);
                opt.step();
            }
            worst = Math.max(worst, check(name + " step losses", stepLosses, PeftRows.values(tensors, "step_losses")));
            for (Map.Entry<String, Tensor> e : saved.entrySet()) {
                worst = Math.max(worst, check(name + " trained " + e.getKey(), e.getValue().toFloatArray(),
                        PeftRows.values(tensors, "trained." + e.getKey())));
            }
            System.out.println("PeftMethodsParityTest " + name + ": max relative difference vs PyTorch " + worst
                    + " (tolerance " + TOLERANCE + ")");
        }
    }

    private static void init(Map<String, Tensor> saved, JsonNode tensors) {
        for (Map.Entry<String, Tensor> e : saved.entrySet()) {
            assertThat(e.getValue().shape()).as("shape of " + e.getKey())
                    .containsExactly(PeftRows.shape(tensors, "init." + e.getKey()));
            PeftRows.fill(e.getValue(), PeftRows.values(tensors, "init." + e.getKey()));
        }
    }

    private static double check(String what, float[] actual, float[] expected) {
        double d = PeftRows.maxRelDiff(actual, expected);
        assertThat(d).as(what + ": max relative difference").isLessThanOrEqualTo(TOLERANCE);
        return d;
    }
}
