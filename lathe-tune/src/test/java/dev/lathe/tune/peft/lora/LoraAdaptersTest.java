package dev.lathe.tune.peft.lora;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lathe.engine.tensor.Tensor;
import dev.lathe.models.format.safetensors.SafetensorsFile;
import dev.lathe.models.format.safetensors.SafetensorsWriter;
import dev.lathe.tune.peft.AdapterConfig;
import dev.lathe.tune.peft.AdapterConfigs;
import dev.lathe.tune.peft.TargetModules;
import dev.lathe.tune.peft.TaskType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PEFT's adapter folder: the exact config text and tensor names, an exact round trip, and clear errors. */
class LoraAdaptersTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int[][] IDS = {{1, 5, 9, 13, 40, 22}};
    private static final TargetModules ALL = TargetModules.of("q_proj", "down_proj", "o_proj", "gate_proj", "v_proj",
            "k_proj", "up_proj");

    @TempDir
    Path tmp;

    @Test
    void theConfigTextIsWhatPeft021WritesForTheSameValues() throws IOException {
        // Written by PEFT 0.21.0 itself (tools/reference/peft_interop.py); its target list is a Python set, so
        // the order is PEFT's.
        Path sample = TinyModels.resource("peft/qwen2.5-3b-lora-peft0.21/adapter_config.json");
        LoraConfig c = new LoraConfig(16, 16, 0.05, TargetModules.of("gate_proj", "v_proj", "o_proj", "k_proj",
                "up_proj", "down_proj", "q_proj"), "none", false, false, true, "Qwen/Qwen2.5-3B-Instruct",
                TaskType.CAUSAL_LM, true);
        assertThat(c.toJsonString()).isEqualTo(Files.readString(sample));
        assertThat(LoraConfig.read(sample)).isEqualTo(c);
        AdapterConfig viaRegistry = AdapterConfigs.read(sample.getParent());
        assertThat(viaRegistry).isEqualTo(c);
    }

    @Test
    void aConfigWrittenByPeft0191StillLoads() throws IOException {
        Path sample = TinyModels.resource("peft/qwen2.5-3b-lora/adapter_config.json");
        LoraConfig c = new LoraConfig(16, 16, 0.05, ALL, "none", false, false, true, "Qwen/Qwen2.5-3B-Instruct",
                TaskType.CAUSAL_LM, true);
        assertThat(LoraConfig.read(sample)).isEqualTo(c);
        assertThat(AdapterConfigs.read(sample.getParent())).isEqualTo(c);
    }

    @Test
    void saveWritesPeftNamesAndShapesAndLoadRoundTripsExactly() throws IOException {
        try (TinyModels.Loaded m = TinyModels.load("llama-gqa")) {
            LoraConfig config = LoraConfig.of(4, 8, ALL).withDropout(0.1).withBaseModel("tiny/llama-gqa");
            LoraModel lora = LoraModel.create(m.model(), "default", config, 3);
            LoraModelTest.randomize(lora, "default", 8);
            Path dir = tmp.resolve("adapter");
            LoraAdapters.save(lora, "default", dir);
            assertThat(Files.list(dir).map(p -> p.getFileName().toString()).sorted().toList())
                    .containsExactly("adapter_config.json", "adapter_model.safetensors");

            // Field set exactly PEFT's, and every key name is PEFT's saved form (no adapter name).
            JsonNode written = JSON.readTree(dir.resolve("adapter_config.json").toFile());
            JsonNode peft = JSON.readTree(TinyModels.resource("peft/qwen2.5-3b-lora-peft0.21/adapter_config.json")
                    .toFile());
            assertThat(fieldNames(written)).isEqualTo(fieldNames(peft));
            assertThat(written.get("peft_type").asText()).isEqualTo("LORA");
            assertThat(written.get("lora_dropout").doubleValue()).isEqualTo(0.1);
            try (SafetensorsFile f = SafetensorsFile.open(dir.resolve("adapter_model.safetensors"))) {
                assertThat(f.names()).hasSize(2 * 7 * 2);
                for (String peftKey : Files.readAllLines(TinyModels.resource("peft/qwen2.5-3b-lora/saved-keys.txt"))) {
                    assertThat(f.names()).contains(peftKey);
                }
                assertThat(f.names()).allMatch(k -> k.matches(
                        "base_model\\.model\\.model\\.layers\\.[01]\\.(self_attn|mlp)\\.[a-z]+_proj\\.lora_[AB]\\.weight"));
                assertThat(f.info("base_model.model.model.layers.0.mlp.down_proj.lora_A.weight").shape())
                        .containsExactly(4, 48);
                assertThat(f.info("base_model.model.model.layers.0.mlp.down_proj.lora_B.weight").shape())
                        .containsExactly(32, 4);
                assertThat(f.metadata()).containsEntry("format", "pt");
            }

            LoraModel back = LoraAdapters.load(m.model(), dir, 1);
            assertThat(back.config("default")).as("saved with inference_mode true, as PEFT saves")
                    .isEqualTo(config.withInferenceMode(true));
            Map<String, Tensor> a = lora.adapterStateDict("default");
            Map<String, Tensor> b = back.adapterStateDict("default");
            assertThat(b.keySet()).containsExactlyElementsOf(a.keySet());
            a.forEach((k, t) -> assertThat(b.get(k).toFloatArray()).as(k).containsExactly(t.toFloatArray()));
            assertThat(back.logits(IDS).toFloatArray()).containsExactly(lora.logits(IDS).toFloatArray());
            // A second adapter loaded by name next to the first.
            LoraAdapters.load(back, "again", dir);
            assertThat(back.adapterNames()).containsExactly("default", "again");
        }
    }

    @Test
    void loadingNamesTheFileAndTensorOfEveryDefect() throws IOException {
        try (TinyModels.Loaded m = TinyModels.load("llama-gqa")) {
            LoraModel lora = LoraModel.create(m.model(), "default", LoraConfig.of(2, 4, TargetModules.of("q_proj")), 3);
            Path good = tmp.resolve("good");
            LoraAdapters.save(lora, "default", good);
            Path weights = good.resolve("adapter_model.safetensors");
            String key = "base_model.model.model.layers.1.self_attn.q_proj.lora_B.weight";

            Path typo = copy(good, "peft-type");
            ObjectNode cfg = (ObjectNode) JSON.readTree(typo.resolve("adapter_config.json").toFile());
            cfg.put("peft_type", "PREFIX_TUNING");
            Files.writeString(typo.resolve("adapter_config.json"), cfg.toString());
            assertThatThrownBy(() -> LoraAdapters.load(m.model(), typo, 1))
                    .hasMessageContaining(typo.resolve("adapter_config.json").toString())
                    .hasMessageContaining("peft_type is 'PREFIX_TUNING'");
            cfg.put("peft_type", "ADALORA");
            Files.writeString(typo.resolve("adapter_config.json"), cfg.toString());
            assertThatThrownBy(() -> AdapterConfigs.read(typo)).hasMessageContaining("'ADALORA' is not supported");

            Path dora = copy(good, "dora");
            cfg = (ObjectNode) JSON.readTree(dora.resolve("adapter_config.json").toFile());
            cfg.put("use_dora", true);
            Files.writeString(dora.resolve("adapter_config.json"), cfg.toString());
            assertThatThrownBy(() -> LoraAdapters.load(m.model(), dora, 1)).hasMessageContaining("use_dora");

            Path missing = copy(good, "missing");
            rewrite(weights, missing, tensors -> tensors.remove(key));
            assertThatThrownBy(() -> LoraAdapters.load(m.model(), missing, 1))
                    .hasMessageContaining(missing.resolve("adapter_model.safetensors").toString())
                    .hasMessageContaining("tensor " + key + " is missing");

            Path shape = copy(good, "shape");
            rewrite(weights, shape, tensors -> tensors.put(key, Tensor.zeros(32, 3)));
            assertThatThrownBy(() -> LoraAdapters.load(m.model(), shape, 1))
                    .hasMessageContaining("tensor " + key + " has shape [32, 3], expected [32, 2]");

            Path extra = copy(good, "extra");
            String stray = "base_model.model.model.layers.0.self_attn.v_proj.lora_A.weight";
            rewrite(weights, extra, tensors -> tensors.put(stray, Tensor.zeros(2, 32)));
            assertThatThrownBy(() -> LoraAdapters.load(m.model(), extra, 1)).hasMessageContaining(stray);

            Path named = copy(good, "named");
            rewrite(weights, named, tensors -> tensors.put(
                    "base_model.model.model.layers.0.self_attn.q_proj.lora_A.default.weight", tensors.remove(
                            "base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight")));
            assertThatThrownBy(() -> LoraAdapters.load(m.model(), named, 1)).hasMessageContaining("is missing");

            assertThatThrownBy(() -> LoraAdapters.load(m.model(), tmp.resolve("nowhere"), 1))
                    .hasMessageContaining("no adapter_config.json");
        }
    }

    private Path copy(Path from, String name) throws IOException {
        Path to = tmp.resolve(name);
        Files.createDirectories(to);
        for (String f : List.of("adapter_config.json", "adapter_model.safetensors")) {
            Files.copy(from.resolve(f), to.resolve(f));
        }
        return to;
    }

    private static void rewrite(Path source, Path dir, java.util.function.Consumer<Map<String, Tensor>> edit)
            throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        try (SafetensorsFile f = SafetensorsFile.open(source)) {
            for (String n : f.names()) {
                tensors.put(n, f.tensor(n).copyContiguous());
            }
        }
        edit.accept(tensors);
        SafetensorsWriter.write(dir.resolve("adapter_model.safetensors"), tensors, Map.of("format", "pt"));
    }

    private static Set<String> fieldNames(JsonNode n) {
        Set<String> out = new TreeSet<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
