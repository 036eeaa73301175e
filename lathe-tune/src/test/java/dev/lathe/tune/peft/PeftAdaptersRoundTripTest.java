package dev.lathe.tune.peft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lathe.engine.autograd.Autograd;
import dev.lathe.engine.tensor.Tensor;
import dev.lathe.models.format.safetensors.SafetensorsFile;
import dev.lathe.tune.peft.ia3.IA3Adapters;
import dev.lathe.tune.peft.ia3.IA3Config;
import dev.lathe.tune.peft.ia3.IA3Model;
import dev.lathe.tune.peft.lora.LoraAdapters;
import dev.lathe.tune.peft.lora.LoraConfig;
import dev.lathe.tune.peft.lora.LoraModel;
import dev.lathe.tune.peft.prefix.PrefixTuningAdapters;
import dev.lathe.tune.peft.prefix.PrefixTuningConfig;
import dev.lathe.tune.peft.prefix.PrefixTuningModel;
import dev.lathe.tune.peft.prompt.PromptTuningAdapters;
import dev.lathe.tune.peft.prompt.PromptTuningConfig;
import dev.lathe.tune.peft.prompt.PromptTuningModel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every method saves PEFT's adapter folder (tensor names and shapes as PEFT's get_peft_model_state_dict,
 * adapter_config.json as PEFT writes it) and loads it back to the same outputs.
 */
class PeftAdaptersRoundTripTest {
    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"llama", "gpt2", "bert"})
    void ia3SavesOneVectorPerTargetAndLoadsBackToTheSameOutput(String family) throws Exception {
        try (PeftRows.Base base = PeftRows.base(family)) {
            AdapterBase b = base.adapterBase();
            IA3Config config = switch (family) {
                case "llama" -> IA3Config.of(TargetModules.of("k_proj", "v_proj", "down_proj"), TargetModules.of("down_proj"));
                case "gpt2" -> IA3Config.of(TargetModules.of("c_attn", "mlp.c_proj"), TargetModules.of("mlp.c_proj"))
                        .withFanInFanOut(true);
                default -> IA3Config.of(TargetModules.of("key", "value", "output.dense"), TargetModules.of("output.dense"))
                        .withTaskType(TaskType.FEATURE_EXTRACTION);
            };
            IA3Model model = new IA3Model(b, config, 1);
            perturb(model.adapterStateDict());
            model.save(tmp);
            Map<String, int[]> expected = new LinkedHashMap<>();
            for (DecoderModules.Module m : b.modules()) {
                if (config.targetModules().matches(m.path())) {
                    expected.put("base_model.model." + m.path() + ".ia3_l", config.isFeedforward(m.path())
                            ? new int[] {1, m.inFeatures()} : new int[] {m.outFeatures(), 1});
                }
            }
            assertThat(storedShapes(tmp)).containsOnlyKeys(expected.keySet());
            storedShapes(tmp).forEach((n, s) -> assertThat(s).as(n).containsExactly(expected.get(n)));
            if (family.equals("bert")) { // PEFT's suffix rule: attention.output.dense is a feedforward target too
                assertThat(expected.get("base_model.model.encoder.layer.0.attention.output.dense.ia3_l"))
                        .containsExactly(1, 16);
                assertThat(expected.get("base_model.model.encoder.layer.0.attention.self.key.ia3_l"))
                        .containsExactly(16, 1);
            }
            IA3Model loaded = IA3Adapters.load(b, tmp);
            assertThat(loaded.config()).as("saved with inference_mode true, as PEFT saves")
                    .usingRecursiveComparison().ignoringFields("inferenceMode").isEqualTo(config);
            assertThat(AdapterConfigs.read(tmp)).as("saved with inference_mode true, as PEFT saves")
                    .usingRecursiveComparison().ignoringFields("inferenceMode").isEqualTo(config);
            assertSameOutput(b, new PeftRows.Adapter(model), new PeftRows.Adapter(loaded));
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"llama", "gpt2", "bert"})
    void promptTuningSavesPromptEmbeddingsAndLoadsBackToTheSameOutput(String family) throws Exception {
        try (PeftRows.Base base = PeftRows.base(family)) {
            AdapterBase b = base.adapterBase();
            PromptTuningConfig config = PromptTuningConfig.of(b, 4).withBaseModel("tiny/" + family);
            PromptTuningModel model = PromptTuningModel.create(b, config, null, 2);
            model.save(tmp);
            assertThat(storedShapes(tmp)).containsOnlyKeys("prompt_embeddings");
            assertThat(storedShapes(tmp).get("prompt_embeddings")).containsExactly(4, b.hiddenSize());
            PromptTuningModel loaded = PromptTuningAdapters.load(b, tmp);
            assertThat(loaded.config()).as("saved with inference_mode true, as PEFT saves")
                    .usingRecursiveComparison().ignoringFields("inferenceMode").isEqualTo(config);
            assertThat(AdapterConfigs.read(tmp)).as("saved with inference_mode true, as PEFT saves")
                    .usingRecursiveComparison().ignoringFields("inferenceMode").isEqualTo(config);
            assertSameOutput(b, new PeftRows.Adapter(model), new PeftRows.Adapter(loaded));
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"llama", "gpt2", "bert"})
    void prefixTuningSavesTheFlatPrefixAndLoadsBackToTheSameOutput(String family) throws Exception {
        try (PeftRows.Base base = PeftRows.base(family)) {
            AdapterBase b = base.adapterBase();
            PrefixTuningConfig config = PrefixTuningConfig.of(b, 3);
            PrefixTuningModel model = PrefixTuningModel.create(b, config, 2);
            model.save(tmp);
            assertThat(storedShapes(tmp)).containsOnlyKeys("prompt_embeddings");
            assertThat(storedShapes(tmp).get("prompt_embeddings"))
                    .containsExactly(3, b.layers() * 2 * b.kvHeads() * b.headDim());
            PrefixTuningModel loaded = PrefixTuningAdapters.load(b, tmp);
            assertThat(AdapterConfigs.read(tmp)).as("saved with inference_mode true, as PEFT saves")
                    .usingRecursiveComparison().ignoringFields("inferenceMode").isEqualTo(config);
            assertSameOutput(b, new PeftRows.Adapter(model), new PeftRows.Adapter(loaded));
        }
    }

    @Test
    void loraOnBertUsesPeftsBertModuleNames() throws Exception {
        try (PeftRows.Base base = PeftRows.base("bert")) {
            AdapterBase b = base.adapterBase();
            LoraModel lora = LoraModel.create(b, "default", LoraConfig.of(2, 4, TargetModules.of("query", "value"))
                    .withTaskType(TaskType.FEATURE_EXTRACTION), 1);
            perturb(lora.adapterStateDict("default"));
            LoraAdapters.save(lora, "default", tmp);
            Map<String, int[]> shapes = storedShapes(tmp);
            assertThat(shapes).hasSize(8).containsKeys("base_model.model.encoder.layer.0.attention.self.query.lora_A.weight",
                    "base_model.model.encoder.layer.1.attention.self.value.lora_B.weight");
            assertThat(shapes.get("base_model.model.encoder.layer.0.attention.self.query.lora_A.weight")).containsExactly(2, 16);
            assertThat(shapes.get("base_model.model.encoder.layer.0.attention.self.query.lora_B.weight")).containsExactly(16, 2);
            LoraModel loaded = LoraAdapters.load(b, tmp, 3);
            assertSameOutput(b, new PeftRows.Lora(lora), new PeftRows.Lora(loaded));
            float[] viaEncode = loaded.encode(PeftRows.BERT_IDS, PeftRows.BERT_MASK, PeftRows.BERT_TYPES).toFloatArray();
            assertThat(viaEncode).containsExactly(PeftRows.output(b, new PeftRows.Lora(loaded)).toFloatArray());
        }
    }

    @Test
    void configsAreWrittenWithEveryFieldPeftWritesSortedAndIndented() throws Exception {
        try (PeftRows.Base base = PeftRows.base("llama")) {
            AdapterBase b = base.adapterBase();
            assertThat(IA3Config.of(TargetModules.of("k_proj", "v_proj", "down_proj"), TargetModules.of("down_proj"))
                    .toJsonString()).isEqualTo("""
                    {
                      "auto_mapping": null,
                      "base_model_name_or_path": null,
                      "exclude_modules": null,
                      "fan_in_fan_out": false,
                      "feedforward_modules": [
                        "down_proj"
                      ],
                      "inference_mode": false,
                      "init_ia3_weights": true,
                      "modules_to_save": null,
                      "peft_type": "IA3",
                      "peft_version": "0.21.0",
                      "revision": null,
                      "target_modules": [
                        "k_proj",
                        "v_proj",
                        "down_proj"
                      ],
                      "task_type": "CAUSAL_LM"
                    }""");
            assertThat(PromptTuningConfig.of(b, 8).withTextInit("Classify:", "tiny/tokenizer").toJsonString())
                    .isEqualTo("""
                    {
                      "auto_mapping": null,
                      "base_model_name_or_path": null,
                      "inference_mode": false,
                      "modules_to_save": null,
                      "num_attention_heads": 4,
                      "num_layers": 2,
                      "num_transformer_submodules": 1,
                      "num_virtual_tokens": 8,
                      "peft_type": "PROMPT_TUNING",
                      "peft_version": "0.21.0",
                      "prompt_tuning_init": "TEXT",
                      "prompt_tuning_init_text": "Classify:",
                      "revision": null,
                      "task_type": "CAUSAL_LM",
                      "token_dim": 32,
                      "tokenizer_kwargs": null,
                      "tokenizer_name_or_path": "tiny/tokenizer"
                    }""");
            // Grouped-query attention: PEFT stores the key/value heads (2) and token_dim = 2 * D = 16.
            assertThat(PrefixTuningConfig.of(b, 5).toJsonString()).isEqualTo("""
                    {
                      "auto_mapping": null,
                      "base_model_name_or_path": null,
                      "encoder_hidden_size": 16,
                      "inference_mode": false,
                      "init_weights": null,
                      "modules_to_save": null,
                      "num_attention_heads": 2,
                      "num_layers": 2,
                      "num_transformer_submodules": 1,
                      "num_virtual_tokens": 5,
                      "peft_type": "PREFIX_TUNING",
                      "peft_version": "0.21.0",
                      "prefix_projection": false,
                      "revision": null,
                      "task_type": "CAUSAL_LM",
                      "token_dim": 16
                    }""");
        }
    }

    @Test
    void savedAdaptersSayInferenceModeTrueAsPeftsSaveDoesAndLoadWithEitherValue() throws Exception {
        try (PeftRows.Base base = PeftRows.base("llama")) {
            AdapterBase b = base.adapterBase();
            LoraModel lora = LoraModel.create(b, "default", LoraConfig.of(2, 4, TargetModules.of("q_proj")), 1);
            assertThat(lora.config("default").inferenceMode()).as("a config made for training").isFalse();
            Map<String, PeftAdapter> adapters = new LinkedHashMap<>();
            adapters.put("ia3", new IA3Model(b, IA3Config.of(TargetModules.of("k_proj", "down_proj"),
                    TargetModules.of("down_proj")), 1));
            adapters.put("prompt", PromptTuningModel.create(b, PromptTuningConfig.of(b, 2), null, 1));
            adapters.put("prefix", PrefixTuningModel.create(b, PrefixTuningConfig.of(b, 2), 1));
            LoraAdapters.save(lora, "default", tmp.resolve("lora"));
            for (Map.Entry<String, PeftAdapter> e : adapters.entrySet()) {
                e.getValue().save(tmp.resolve(e.getKey()));
            }
            for (String method : new String[] {"lora", "ia3", "prompt", "prefix"}) {
                Path config = tmp.resolve(method).resolve(AdapterConfigs.CONFIG_FILE);
                String text = Files.readString(config);
                assertThat(text).as(method).contains("\"inference_mode\": true,").doesNotContain("\"inference_mode\": false");
                Files.writeString(config, text.replace("\"inference_mode\": true", "\"inference_mode\": false"));
                assertThat(AdapterConfigs.read(tmp.resolve(method)).peftType()).as(method + " read back with false")
                        .isNotNull();
            }
            assertThat(LoraAdapters.load(b, tmp.resolve("lora"), 1).config("default")
                    .inferenceMode()).isFalse();
            assertThat(IA3Adapters.load(b, tmp.resolve("ia3")).config().inferenceMode()).isFalse();
            assertThat(PromptTuningAdapters.load(b, tmp.resolve("prompt")).config().inferenceMode()).isFalse();
            assertThat(PrefixTuningAdapters.load(b, tmp.resolve("prefix")).config().inferenceMode()).isFalse();
        }
    }

    @Test
    void textInitialisationRepeatsTheTextsTokenEmbeddingsAsPeftDoes() throws Exception {
        try (PeftRows.Base base = PeftRows.base("llama")) {
            AdapterBase b = base.adapterBase();
            PromptTuningModel m = PromptTuningModel.create(b, PromptTuningConfig.of(b, 5).withTextInit("x", "t"),
                    new int[] {1, 7}, 0);
            float[] table = b.wordEmbeddings().toFloatArray();
            int c = b.hiddenSize();
            float[] e = m.embeddings().toFloatArray();
            int[] ids = {1, 7, 1, 7, 1};
            for (int p = 0; p < 5; p++) {
                assertThat(Arrays.copyOfRange(e, p * c, (p + 1) * c))
                        .containsExactly(Arrays.copyOfRange(table, ids[p] * c, (ids[p] + 1) * c));
            }
            assertThatThrownBy(() -> PromptTuningModel.create(b, PromptTuningConfig.of(b, 5).withTextInit("x", "t"),
                    null, 0)).hasMessageContaining("token ids");
        }
    }

    @Test
    void adaptersForAnotherModelOrWithUnsupportedFeaturesAreRejectedClearly() throws Exception {
        try (PeftRows.Base llama = PeftRows.base("llama"); PeftRows.Base bert = PeftRows.base("bert")) {
            PrefixTuningModel.create(llama.adapterBase(), PrefixTuningConfig.of(llama.adapterBase(), 2), 1).save(tmp);
            assertThatThrownBy(() -> PrefixTuningAdapters.load(bert.adapterBase(), tmp))
                    .hasMessageContaining("token_dim").hasMessageContaining("different base model");
            Path config = tmp.resolve(AdapterConfigs.CONFIG_FILE);
            Files.writeString(config, Files.readString(config).replace("\"prefix_projection\": false",
                    "\"prefix_projection\": true"), StandardCharsets.UTF_8);
            assertThatThrownBy(() -> AdapterConfigs.read(tmp)).hasMessageContaining("prefix_projection");
            assertThatThrownBy(() -> IA3Config.of(TargetModules.of("k_proj"), TargetModules.of("down_proj")))
                    .hasMessageContaining("subset");
        }
    }

    private static void assertSameOutput(AdapterBase b, PeftRows.Row saved, PeftRows.Row loaded) {
        float[] expected = Autograd.noGrad(() -> PeftRows.output(b, saved)).toFloatArray();
        assertThat(Autograd.noGrad(() -> PeftRows.output(b, loaded)).toFloatArray()).containsExactly(expected);
    }

    private static Map<String, int[]> storedShapes(Path dir) throws Exception {
        Map<String, int[]> out = new LinkedHashMap<>();
        try (SafetensorsFile f = SafetensorsFile.open(dir.resolve(AdapterConfigs.WEIGHTS_FILE))) {
            for (String n : f.names()) {
                out.put(n, f.tensor(n).shape());
            }
        }
        return out;
    }

    private static void perturb(Map<String, Tensor> tensors) {
        SplittableRandom rng = new SplittableRandom(9);
        for (Tensor t : tensors.values()) {
            float[] v = t.toFloatArray();
            for (int i = 0; i < v.length; i++) {
                v[i] += (float) (0.3 * (rng.nextDouble() * 2 - 1));
            }
            PeftRows.fill(t, v);
        }
    }
}
