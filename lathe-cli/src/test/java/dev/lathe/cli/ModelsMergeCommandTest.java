package dev.lathe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lathe.models.format.safetensors.SafetensorsFile;
import dev.lathe.models.load.LoadedModel;
import dev.lathe.models.load.ModelLoader;
import dev.lathe.tune.peft.AdapterBase;
import dev.lathe.tune.peft.TargetModules;
import dev.lathe.tune.peft.ia3.IA3Config;
import dev.lathe.tune.peft.ia3.IA3Model;
import dev.lathe.tune.peft.lora.LoraAdapters;
import dev.lathe.tune.peft.lora.LoraConfig;
import dev.lathe.tune.peft.lora.LoraModel;
import dev.lathe.tune.peft.prompt.PromptTuningConfig;
import dev.lathe.tune.peft.prompt.PromptTuningModel;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lathe models merge} on TinyStories-656K: a LoRA adapter (B random, so it changes the model) and an IA3
 * adapter (scales away from 1) merged by the command give plain Hugging Face folders that load with
 * {@code --model}'s loader, hold the base's tensor names only and compute the base-plus-adapter logits; a
 * prompt-tuning adapter, which cannot be merged, and an occupied --out fail with one line each.
 */
class ModelsMergeCommandTest {
    private static final int[][] IDS = {{1, 400, 32, 7, 250, 11}};

    @TempDir
    Path dir;

    @Test
    void aMergedLoraAndIa3AdapterLoadAsPlainModelsComputingTheAdaptedLogits() throws Exception {
        Path model = ModelCommandsTest.TINY_STORIES;
        float[] withLora;
        float[] withIa3;
        try (LoadedModel base = ModelLoader.loadFolder(model)) {
            LoraModel lora = LoraModel.create(base.model(), "default", LoraConfig.of(2, 4,
                    TargetModules.of("q_proj", "v_proj", "down_proj")).withInitLoraWeights(false), 5);
            LoraAdapters.save(lora, "default", dir.resolve("lora"));
            withLora = lora.logits(IDS).toFloatArray();
            AdapterBase on = new AdapterBase.Decoder(base.model());
            IA3Model ia3 = new IA3Model(on, IA3Config.of(TargetModules.of("k_proj", "down_proj"),
                    TargetModules.of("down_proj")), 1);
            ia3.trainableParameters().values().forEach(t -> {
                float[] v = new float[(int) t.numel()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = 0.5f + (i % 7) * 0.2f;
                }
                MemorySegment.copy(v, 0, t.data(), ValueLayout.JAVA_FLOAT_UNALIGNED, 0, v.length);
            });
            ia3.save(dir.resolve("ia3"));
            withIa3 = base.model().logits(IDS[0], 1, IDS[0].length, null, ia3.hook()).toFloatArray();
            float[] plain = base.model().logits(IDS).toFloatArray();
            assertThat(maxDiff(withLora, plain)).as("the LoRA adapter changes the model").isGreaterThan(1e-2);
            assertThat(maxDiff(withIa3, plain)).as("the IA3 adapter changes the model").isGreaterThan(1e-2);
        }
        for (String method : new String[] {"lora", "ia3"}) {
            Path out = dir.resolve("merged-" + method);
            ModelCommandsTest.Result r = ModelCommandsTest.run("models", "merge", model.toString(), "--adapter",
                    dir.resolve(method).toString(), "--out", out.toString());
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).contains("wrote " + out);
            try (SafetensorsFile merged = SafetensorsFile.open(out.resolve("model.safetensors"));
                    SafetensorsFile original = SafetensorsFile.open(model.resolve("model.safetensors"))) {
                assertThat(merged.names()).isEqualTo(original.names());
            }
            assertThat(out.resolve("tokenizer.json")).hasSameBinaryContentAs(model.resolve("tokenizer.json"));
            try (LoadedModel reloaded = ModelLoader.loadFolder(out)) {
                float[] logits = reloaded.model().logits(IDS).toFloatArray();
                assertThat(maxDiff(logits, method.equals("lora") ? withLora : withIa3)).as(method)
                        .isLessThanOrEqualTo(1e-4);
            }
        }
        ModelCommandsTest.Result again = ModelCommandsTest.run("models", "merge", model.toString(), "--adapter",
                dir.resolve("lora").toString(), "--out", dir.resolve("merged-lora").toString());
        assertThat(again.code()).isNotZero();
        assertThat(again.err()).contains("is not an empty folder").doesNotContain("\tat ");
    }

    @Test
    void aPromptTuningAdapterCannotBeMergedAndSaysSo() throws Exception {
        Path model = ModelCommandsTest.TINY_STORIES;
        try (LoadedModel base = ModelLoader.loadFolder(model)) {
            AdapterBase on = new AdapterBase.Decoder(base.model());
            PromptTuningModel.create(on, PromptTuningConfig.of(on, 2), null, 1).save(dir.resolve("prompt"));
        }
        ModelCommandsTest.Result r = ModelCommandsTest.run("models", "merge", model.toString(), "--adapter",
                dir.resolve("prompt").toString(), "--out", dir.resolve("out").toString());
        assertThat(r.code()).isNotZero();
        assertThat(r.err()).contains("PROMPT_TUNING adapter adds virtual tokens").doesNotContain("\tat ");
        assertThat(dir.resolve("out")).doesNotExist();
    }

    private static double maxDiff(float[] a, float[] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, Math.abs(a[i] - b[i]));
        }
        return d;
    }
}
