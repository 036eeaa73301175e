package dev.lathe.tune.peft.lora;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lathe.engine.autograd.Autograd;
import dev.lathe.engine.op.Losses;
import dev.lathe.engine.tensor.Tensor;
import dev.lathe.models.KvCache;
import dev.lathe.models.family.DecoderModel;
import dev.lathe.tune.peft.TargetModules;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** LoRA's behaviour on the tiny Llama and GPT-2: init, merging, disabling, several adapters, dropout, targets. */
class LoraModelTest {
    private static final int[][] IDS = {{1, 5, 9, 13, 40, 22}, {1, 17, 2, 33, 8, 30}};
    private static final TargetModules ALL = TargetModules.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj",
            "up_proj", "down_proj");

    /** Random nonzero A and B, so the adapter changes the output. */
    static void randomize(LoraModel m, String adapter, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        for (Tensor t : m.adapterStateDict(adapter).values()) {
            float[] v = new float[(int) t.numel()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (r.nextGaussian() * 0.1);
            }
            TinyModels.fill(t, v);
        }
    }

    @Test
    void aNewAdapterChangesNothingBecauseBStartsAtZero() {
        try (TinyModels.Loaded m = TinyModels.load("llama-gqa")) {
            LoraModel lora = LoraModel.create(m.model(), "default", LoraConfig.of(4, 8, ALL), 7);
            assertThat(lora.logits(IDS).toFloatArray()).containsExactly(m.model().logits(IDS).toFloatArray());
            Tensor a = lora.modules("default").get("model.layers.0.self_attn.q_proj").adapters().get("default").a();
            float bound = (float) (1 / Math.sqrt(32));
            assertThat(a.shape()).containsExactly(4, 32);
            for (float v : a.toFloatArray()) {
                assertThat(Math.abs(v)).isLessThanOrEqualTo(bound);
            }
            assertThat(a.toFloatArray()).isNotEqualTo(new float[128]);
        }
    }

    @Test
    void onlyAdapterWeightsReceiveGradients() {
        try (TinyModels.Loaded m = TinyModels.load("llama-gqa")) {
            LoraModel lora = LoraModel.create(m.model(), "default", LoraConfig.of(2, 4, TargetModules.of("v_proj")), 7);
            randomize(lora, "default", 3);
            Autograd.backward(Losses.crossEntropy(lora.logits(IDS), LoraParityTest.targets(IDS)));
            assertThat(lora.trainableParameters()).hasSize(4);
            lora.trainableParameters().forEach((k, t) -> assertThat(t.grad()).as(k).isNotNull());
            var layers = m.model().weights().layers();
            for (var l : layers) {
                for (Tensor w : new Tensor[] {l.q().weight(), l.k().weight(), l.v().weight(), l.o().weight(),
                        l.gate().weight(), l.up().weight(), l.down().weight(), l.attnNorm().weight()}) {
                    assertThat(w.requiresGrad()).isFalse();
                    assertThat(w.grad()).isNull();
                }
            }
        }
    }

    @Test
    void mergedOutputEqualsUnmergedAndUnmergingRestoresAMemoryMappedBaseExactly() {
        try (TinyModels.Loaded m = TinyModels.load("llama-gqa")) {
            LoraModel lora = LoraModel.create(m.model(), "default", LoraConfig.of(4, 8, ALL).withRslora(true), 7);
            randomize(lora, "default", 5);
            float[] base = m.model().logits(IDS).toFloatArray();
            Tensor q0 = m.model().weights().layers().get(0).q().weight();
            assertThat(q0.storage().isReadOnly()).as("tiny model weights are mapped read-only").isTrue();
            float[] q0Before = q0.toFloatArray();
            float[] unmerged = lora.logits(IDS).toFloatArray();
            assertThat(unmerged).isNotEqualTo(base);

            lora.merge();
            assertThat(lora.mergedAdapters()).containsExactly("default");
            assertThat(TinyModels.maxRelDiff(lora.logits(IDS).toFloatArray(), unmerged)).isLessThan(1e-5);
            // The plain model over the merged weights, through the KV-cache inference path too.
            DecoderModel merged = lora.mergedModel();
            assertThat(TinyModels.maxRelDiff(merged.logits(IDS).toFloatArray(), unmerged)).isLessThan(1e-5);
            KvCache cache = merged.newCache(IDS[0].length);
            float[] last = merged.forward(IDS[0], cache);
            int v = merged.vocabSize();
            assertThat(TinyModels.maxRelDiff(last, Arrays.copyOfRange(unmerged, (IDS[0].length - 1) * v,
                    IDS[0].length * v))).isLessThan(1e-5);
            assertThat(q0.toFloatArray()).as("mapped base untouched").containsExactly(q0Before);

            lora.unmerge();
            assertThat(lora.mergedModel().weights().layers().get(0).q().weight()).isSameAs(q0);
            assertThat(lora.logits(IDS).toFloatArray()).containsExactly(unmerged);
        }
    }

    @Test
    void aWritableF32BaseIsMergedInPlaceAndUnmergedBack() {
        try (TinyModels.Loaded m = TinyModels.load("llama-gqa")) {
            DecoderModel heap = TinyModels.heapCopy(m.model());
            LoraModel lora = LoraModel.create(heap, "default", LoraConfig.of(2, 4, ALL), 7);
            randomize(lora, "default", 9);
            Tensor q0 = heap.weights().layers().get(0).q().weight();
            float[] before = q0.toFloatArray();
            float[] unmerged = lora.logits(IDS).toFloatArray();
            lora.merge();
            assertThat(lora.mergedModel().weights().layers().get(0).q().weight()).isSameAs(q0);
            assertThat(q0.toFloatArray()).isNotEqualTo(before);
            assertThat(TinyModels.maxRelDiff(heap.logits(IDS).toFloatArray(), unmerged)).isLessThan(1e-5);
            lora.unmerge();
            assertThat(TinyModels.maxRelDiff(q0.toFloatArray(), before)).isLessThan(1e-6);
        }
    }

    @Test
    void aDisabledAdapterGivesExactlyTheBaseOutput() {
        try (TinyModels.Loaded m = TinyModels.load("llama-gqa")) {
            LoraModel lora = LoraModel.create(m.model(), "default", LoraConfig.of(2, 4, ALL), 7);
            randomize(lora, "default", 11);
            float[] adapted = lora.logits(IDS).toFloatArray();
            lora.merge();
            lora.disableAdapters();
            assertThat(lora.mergedAdapters()).isEmpty();
            assertThat(lora.logits(IDS).toFloatArray()).containsExactly(m.model().logits(IDS).toFloatArray());
            lora.enableAdapters();
            assertThat(lora.logits(IDS).toFloatArray()).containsExactly(adapted);
        }
    }

    @Test
    void severalAdaptersShareOneBaseAndTheActiveSetChoosesWhichApply() {
        try (TinyModels.Loaded m = TinyModels.load("llama-gqa")) {
            LoraModel lora = LoraModel.create(m.model(), "a", LoraConfig.of(2, 4, TargetModules.of("q_proj")), 1);
            lora.addAdapter("b", LoraConfig.of(4, 4, TargetModules.of("v_proj", "down_proj")), 2);
            randomize(lora, "a", 1);
            randomize(lora, "b", 2);
            assertThat(lora.activeAdapters()).containsExactly("a");
            float[] onlyA = lora.logits(IDS).toFloatArray();
            lora.setActiveAdapters("b");
            float[] onlyB = lora.logits(IDS).toFloatArray();
            lora.setActiveAdapters("a", "b");
            float[] both = lora.logits(IDS).toFloatArray();
            assertThat(onlyA).isNotEqualTo(onlyB);
            assertThat(both).isNotEqualTo(onlyA).isNotEqualTo(onlyB);
            assertThat(lora.trainableParameters()).hasSize(2 * 2 + 2 * 2 * 2);
            // Both merged give the same as both applied on the fly.
            lora.merge();
            assertThat(TinyModels.maxRelDiff(lora.logits(IDS).toFloatArray(), both)).isLessThan(1e-5);
            lora.unmerge();
            lora.setActiveAdapters("a");
            assertThat(lora.logits(IDS).toFloatArray()).containsExactly(onlyA);
            assertThatThrownBy(() -> lora.setActiveAdapters("c")).hasMessageContaining("no adapter 'c'");
            assertThatThrownBy(() -> lora.addAdapter("a", LoraConfig.of(2, 4, ALL), 3))
                    .hasMessageContaining("already exists");
        }
    }

    @Test
    void aRegexTargetMatchesWholeModulePathsOnly() {
        try (TinyModels.Loaded m = TinyModels.load("llama-gqa")) {
            LoraModel lora = LoraModel.create(m.model(), "default",
                    LoraConfig.of(2, 4, TargetModules.matching("model\\.layers\\.1\\.self_attn\\.(q|v)_proj")), 1);
            assertThat(lora.modules("default").keySet()).containsExactly("model.layers.1.self_attn.q_proj",
                    "model.layers.1.self_attn.v_proj");
            assertThatThrownBy(() -> LoraModel.create(m.model(), "x", LoraConfig.of(2, 4, TargetModules.of("c_attn")), 1))
                    .hasMessageContaining("match no module");
            assertThatThrownBy(() -> LoraModel.create(m.model(), "x",
                    LoraConfig.of(2, 4, TargetModules.of("q_proj")).withFanInFanOut(true), 1))
                    .hasMessageContaining("nn.Linear; set fan_in_fan_out false");
        }
    }

    @Test
    void rsLoraScalesByAlphaOverSquareRootOfRank() {
        LoraConfig c = LoraConfig.of(16, 8, ALL);
        assertThat(c.scaling()).isEqualTo(0.5);
        assertThat(c.withRslora(true).scaling()).isEqualTo(2.0);
    }

    @Test
    void dropoutActsOnlyInTrainingMode() {
        try (TinyModels.Loaded m = TinyModels.load("llama-gqa")) {
            LoraModel lora = LoraModel.create(m.model(), "default", LoraConfig.of(2, 4, ALL).withDropout(0.5), 1);
            randomize(lora, "default", 4);
            float[] eval1 = lora.logits(IDS).toFloatArray();
            assertThat(lora.logits(IDS).toFloatArray()).containsExactly(eval1);
            lora.train(true);
            assertThat(lora.logits(IDS).toFloatArray()).isNotEqualTo(eval1);
        }
    }

    @Test
    void theSameDropoutSeedGivesTheSameOutputAndAnotherSeedADifferentOne() {
        try (TinyModels.Loaded m = TinyModels.load("llama-gqa")) {
            LoraConfig c = LoraConfig.of(2, 4, ALL).withDropout(0.1);
            LoraModel one = LoraModel.create(m.model(), "default", c, 1);
            LoraModel two = LoraModel.create(m.model(), "default", c, 1);
            randomize(one, "default", 4);
            randomize(two, "default", 4);
            one.train(true);
            two.train(true);
            one.logits(IDS); // a different history: reseeding must make it irrelevant
            one.reseed(99);
            two.reseed(99);
            float[] a = one.logits(IDS).toFloatArray();
            assertThat(two.logits(IDS).toFloatArray()).containsExactly(a);
            one.reseed(99);
            assertThat(one.logits(IDS).toFloatArray()).containsExactly(a);
            one.reseed(100);
            assertThat(one.logits(IDS).toFloatArray()).isNotEqualTo(a);
        }
    }

    @Test
    void evaluationModeIgnoresDropoutWhateverTheSeed() {
        try (TinyModels.Loaded m = TinyModels.load("llama-gqa")) {
            LoraModel lora = LoraModel.create(m.model(), "default", LoraConfig.of(2, 4, ALL).withDropout(0.5), 1);
            LoraModel none = LoraModel.create(m.model(), "default", LoraConfig.of(2, 4, ALL), 1);
            randomize(lora, "default", 4);
            randomize(none, "default", 4);
            float[] plain = none.logits(IDS).toFloatArray();
            lora.reseed(1);
            assertThat(lora.logits(IDS).toFloatArray()).containsExactly(plain);
            lora.reseed(2);
            assertThat(lora.logits(IDS).toFloatArray()).containsExactly(plain);
            lora.train(true);
            lora.reseed(2);
            assertThat(lora.logits(IDS).toFloatArray()).isNotEqualTo(plain);
            lora.train(false);
            assertThat(lora.logits(IDS).toFloatArray()).containsExactly(plain);
        }
    }

    @Test
    void gpt2FusedCAttnCarriesOneAdapterOverItsThreeProjections() {
        try (TinyModels.Loaded m = TinyModels.load("gpt2")) {
            TargetModules t = TargetModules.of("c_attn", "c_proj", "c_fc");
            assertThatThrownBy(() -> LoraModel.create(m.model(), "x", LoraConfig.of(2, 4, t), 1))
                    .hasMessageContaining("Conv1D stored (in, out); set fan_in_fan_out true");
            LoraModel lora = LoraModel.create(m.model(), "default", LoraConfig.of(2, 4, t).withFanInFanOut(true), 1);
            Map<String, Tensor> sd = lora.adapterStateDict("default");
            assertThat(sd.get("base_model.model.transformer.h.0.attn.c_attn.lora_A.weight").shape()).containsExactly(2, 32);
            assertThat(sd.get("base_model.model.transformer.h.0.attn.c_attn.lora_B.weight").shape()).containsExactly(96, 2);
            assertThat(sd.get("base_model.model.transformer.h.1.mlp.c_proj.lora_A.weight").shape())
                    .containsExactly(2, m.model().config().intermediateSize());
            assertThat(sd).hasSize(2 * 4 * 2);
            randomize(lora, "default", 6);
            float[] base = m.model().logits(IDS).toFloatArray();
            float[] unmerged = lora.logits(IDS).toFloatArray();
            assertThat(unmerged).isNotEqualTo(base);
            Tensor loss = Losses.crossEntropy(lora.logits(IDS), LoraParityTest.targets(IDS));
            Autograd.backward(loss);
            assertThat(sd.get("base_model.model.transformer.h.0.attn.c_attn.lora_A.weight").grad()).isNotNull();
            lora.merge();
            assertThat(TinyModels.maxRelDiff(lora.logits(IDS).toFloatArray(), unmerged)).isLessThan(1e-5);
            assertThat(TinyModels.maxRelDiff(lora.mergedModel().logits(IDS).toFloatArray(), unmerged)).isLessThan(1e-5);
            lora.unmerge();
            assertThat(lora.logits(IDS).toFloatArray()).containsExactly(unmerged);
        }
    }
}
