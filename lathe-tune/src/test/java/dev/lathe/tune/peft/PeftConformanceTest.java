package dev.lathe.tune.peft;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lathe.engine.autograd.Autograd;
import dev.lathe.engine.op.Reductions;
import dev.lathe.engine.tensor.Tensor;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract every PEFT method keeps on every family it supports, one table of (method, family) rows:
 * only adapter tensors get gradients; a disabled adapter computes exactly the base model; where the method
 * has an identity initialisation (LoRA's B = 0, IA3's ones) a new adapter does too; and where it can be
 * merged (LoRA, IA3), merged output equals unmerged output and unmerging restores it.
 */
class PeftConformanceTest {
    private static final String LORA_LLAMA = "{\"method\":\"lora\",\"r\":2,\"lora_alpha\":4,\"target_modules\":[\"q_proj\",\"v_proj\",\"down_proj\"]}";
    private static final String LORA_GPT2 = "{\"method\":\"lora\",\"r\":2,\"lora_alpha\":4,\"target_modules\":[\"c_attn\",\"mlp.c_proj\"],\"fan_in_fan_out\":true}";
    private static final String LORA_BERT = "{\"method\":\"lora\",\"r\":2,\"lora_alpha\":4,\"target_modules\":[\"query\",\"value\"]}";
    private static final String IA3_LLAMA = "{\"method\":\"ia3\",\"target_modules\":[\"k_proj\",\"v_proj\",\"down_proj\"],\"feedforward_modules\":[\"down_proj\"]}";
    private static final String IA3_GPT2 = "{\"method\":\"ia3\",\"target_modules\":[\"c_attn\",\"mlp.c_proj\"],\"feedforward_modules\":[\"mlp.c_proj\"],\"fan_in_fan_out\":true}";
    private static final String IA3_BERT = "{\"method\":\"ia3\",\"target_modules\":[\"key\",\"value\",\"output.dense\"],\"feedforward_modules\":[\"output.dense\"]}";
    private static final String PROMPT = "{\"method\":\"prompt\",\"num_virtual_tokens\":3}";
    private static final String PREFIX = "{\"method\":\"prefix\",\"num_virtual_tokens\":2}";

    static Stream<Arguments> rows() {
        return Stream.of(
                Arguments.of("lora", "llama", LORA_LLAMA, true), Arguments.of("lora", "gpt2", LORA_GPT2, true),
                Arguments.of("lora", "bert", LORA_BERT, true),
                Arguments.of("ia3", "llama", IA3_LLAMA, true), Arguments.of("ia3", "gpt2", IA3_GPT2, true),
                Arguments.of("ia3", "bert", IA3_BERT, true),
                Arguments.of("prompt", "llama", PROMPT, false), Arguments.of("prompt", "gpt2", PROMPT, false),
                Arguments.of("prompt", "bert", PROMPT, false),
                Arguments.of("prefix", "llama", PREFIX, false), Arguments.of("prefix", "gpt2", PREFIX, false),
                Arguments.of("prefix", "bert", PREFIX, false));
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("rows")
    void onlyTheAdapterTensorsGetGradients(String method, String family, String json, boolean identity)
            throws Exception {
        try (PeftRows.Base base = PeftRows.base(family)) {
            PeftRows.Row row = PeftRows.create(base.adapterBase(), PeftRows.json(json));
            perturb(row, 7);
            Autograd.backward(Reductions.sum(PeftRows.output(base.adapterBase(), row)));
            for (Map.Entry<String, Tensor> e : row.trainable().entrySet()) {
                assertThat(e.getValue().grad()).as("gradient of " + e.getKey()).isNotNull();
                assertThat(e.getValue().grad().toFloatArray()).as("gradient of " + e.getKey()).isNotEqualTo(
                        new float[(int) e.getValue().numel()]);
            }
            for (Tensor p : base.parameters()) {
                assertThat(p.requiresGrad()).isFalse();
                assertThat(p.grad()).isNull();
            }
        }
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("rows")
    void aDisabledAdapterComputesExactlyTheBaseModel(String method, String family, String json, boolean identity)
            throws Exception {
        try (PeftRows.Base base = PeftRows.base(family)) {
            PeftRows.Row row = PeftRows.create(base.adapterBase(), PeftRows.json(json));
            float[] plain = Autograd.noGrad(() -> PeftRows.output(base.adapterBase(), PLAIN)).toFloatArray();
            if (identity) {
                float[] fresh = Autograd.noGrad(() -> PeftRows.output(base.adapterBase(), row)).toFloatArray();
                assertThat(fresh).as("a new " + method + " adapter (identity init)").containsExactly(plain);
            }
            perturb(row, 3);
            float[] adapted = Autograd.noGrad(() -> PeftRows.output(base.adapterBase(), row)).toFloatArray();
            assertThat(adapted).isNotEqualTo(plain);
            row.setEnabled(false);
            assertThat(Autograd.noGrad(() -> PeftRows.output(base.adapterBase(), row)).toFloatArray())
                    .containsExactly(plain);
            row.setEnabled(true);
            assertThat(Autograd.noGrad(() -> PeftRows.output(base.adapterBase(), row)).toFloatArray())
                    .containsExactly(adapted);
        }
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("rows")
    void mergedOutputEqualsUnmergedOutput(String method, String family, String json, boolean identity)
            throws Exception {
        try (PeftRows.Base base = PeftRows.base(family)) {
            PeftRows.Row row = PeftRows.create(base.adapterBase(), PeftRows.json(json));
            if (row.mergeable().isEmpty()) {
                assertThat(method).isIn("prompt", "prefix"); // nothing to fold into weights
                return;
            }
            perturb(row, 5);
            float[] unmerged = Autograd.noGrad(() -> PeftRows.output(base.adapterBase(), row)).toFloatArray();
            row.mergeable().get().merge();
            float[] merged = Autograd.noGrad(() -> PeftRows.output(base.adapterBase(), row)).toFloatArray();
            assertThat(PeftRows.maxRelDiff(merged, unmerged)).as("merged vs unmerged").isLessThan(1e-5);
            row.mergeable().get().unmerge();
            assertThat(Autograd.noGrad(() -> PeftRows.output(base.adapterBase(), row)).toFloatArray())
                    .containsExactly(unmerged);
        }
    }

    /** The plain model, as a row. */
    private static final PeftRows.Row PLAIN = new PeftRows.Row() {
        @Override
        public Map<String, Tensor> saved() {
            return Map.of();
        }

        @Override
        public Map<String, Tensor> trainable() {
            return Map.of();
        }

        @Override
        public dev.lathe.models.family.LinearHook hook() {
            return dev.lathe.models.family.LinearHook.PLAIN;
        }

        @Override
        public int virtual() {
            return 0;
        }

        @Override
        public void setEnabled(boolean on) {}

        @Override
        public java.util.Optional<PeftAdapter.Mergeable> mergeable() {
            return java.util.Optional.empty();
        }
    };

    /** Moves every adapter tensor away from its initial value, so each one matters to the output. */
    private static void perturb(PeftRows.Row row, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        for (Tensor t : row.saved().values()) {
            float[] v = t.toFloatArray();
            for (int i = 0; i < v.length; i++) {
                v[i] += (float) (0.3 * (rng.nextDouble() * 2 - 1));
            }
            PeftRows.fill(t, v);
        }
    }

}
