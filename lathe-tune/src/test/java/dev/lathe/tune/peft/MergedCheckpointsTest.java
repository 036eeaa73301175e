package dev.lathe.tune.peft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.engine.io.Sha256;
import dev.lathe.engine.tensor.DType;
import dev.lathe.engine.tensor.Tensor;
import dev.lathe.models.family.DecoderFamilies;
import dev.lathe.models.family.bert.BertModel;
import dev.lathe.models.format.Weights;
import dev.lathe.models.format.safetensors.SafetensorsFile;
import dev.lathe.models.format.safetensors.SafetensorsWriter;
import dev.lathe.tune.peft.ia3.IA3Model;
import dev.lathe.tune.peft.lora.LoraAdapters;
import dev.lathe.tune.peft.lora.LoraModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Merged models against the real PEFT 0.21.0 and transformers 5.17.0 (fixtures of tools/reference/peft_merged.py
 * in resources peft-interop/merged/): for LoRA (Llama q/v, every Llama projection with rsLoRA, Qwen2's biased
 * q/k/v, GPT-2's fused c_attn and Conv1D MLP with fan_in_fan_out, BERT query/value) and IA3 (Llama, Qwen2, GPT-2,
 * BERT), Lathe loads the adapter PEFT wrote, merges it and saves the merged model with {@link MergedCheckpoints};
 * the folder holds the base checkpoint's tensor names only, the tensors it changes are the ones PEFT's
 * {@code merge_and_unload} changes with the same values, Lathe's ordinary loaders read it back to the output of
 * PEFT's merged model within 1e-4, and transformers' {@code from_pretrained} loaded exactly this file (its SHA-256
 * is recorded) to Lathe's output within 1e-4.
 * To regenerate after a deliberate change: run this test with {@code -Dpeft.interop.write=true} (it writes the
 * merged folders to target/peft-interop-merged/), then {@code tools/reference/peft_merged.py lathe}.
 */
class MergedCheckpointsTest {
    static final List<String> CASES = List.of("llama-lora-qv", "llama-lora-all-rslora", "qwen2-lora", "gpt2-lora",
            "bert-lora", "llama-ia3", "qwen2-ia3", "gpt2-ia3", "bert-ia3");
    private static final double TOLERANCE = 1e-4;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path WRITTEN_FOR_TRANSFORMERS = Path.of("target/peft-interop-merged");

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}")
    @FieldSource("CASES")
    void aPeftAdapterMergedByLatheSavesAsThePlainModelWithPeftsMergedOutput(String name) throws Exception {
        String family = PeftInteropCases.family(name);
        Path baseFolder = PeftRows.resource(PeftInteropCases.baseModelPath(family));
        Path fixtures = PeftRows.resource("peft-interop/merged/" + name);
        JsonNode peft = JSON.readTree(fixtures.resolve("peft-merged.json").toFile());
        boolean write = Boolean.getBoolean("peft.interop.write");
        Path merged = write ? WRITTEN_FOR_TRANSFORMERS.resolve(name) : tmp.resolve(name);
        try (PeftRows.Base base = PeftInteropCases.base(name)) {
            PeftRows.Row row = PeftInteropCases.load(base.adapterBase(), PeftRows.resource("peft-interop/peft/" + name));
            switch (row) {
                case PeftRows.Lora l -> MergedCheckpoints.save(l.lora(), baseFolder, merged);
                case PeftRows.Adapter a -> MergedCheckpoints.save((IA3Model) a.adapter(), baseFolder, merged);
                default -> throw new IllegalStateException("unexpected " + row);
            }
        }
        assertThat(Files.readString(merged.resolve("config.json")))
                .isEqualTo(Files.readString(baseFolder.resolve("config.json")));

        Map<String, Tensor> saved = tensors(merged.resolve(MergedCheckpoints.WEIGHTS_FILE));
        Map<String, Tensor> original = tensors(baseFolder.resolve(MergedCheckpoints.WEIGHTS_FILE));
        assertThat(saved.keySet()).as(name + ": the plain model's tensor names, no adapter's")
                .isEqualTo(original.keySet())
                .noneMatch(n -> n.contains("lora_") || n.contains("ia3_") || n.startsWith("base_model."));

        // The tensors merging changed, and their values, are PEFT's (PEFT names them from its model class:
        // transformer.h.0... for GPT-2's h.0..., encoder... for BERT's bert.encoder...).
        Set<String> changedByLathe = new TreeSet<>();
        saved.forEach((n, t) -> {
            if (!Arrays.equals(t.toFloatArray(), original.get(n).toFloatArray())) {
                changedByLathe.add(n);
            }
        });
        Set<String> changedByPeft = new TreeSet<>();
        peft.get("merged_tensors").fields().forEachRemaining(e -> {
            String n = MergedCheckpoints.checkpointName(saved.keySet(), e.getKey(), merged);
            changedByPeft.add(n);
            float[] v = saved.get(n).toFloatArray();
            double sum = 0;
            double maxAbs = 0;
            for (float x : v) {
                sum += x;
                maxAbs = Math.max(maxAbs, Math.abs(x));
            }
            double peftMax = e.getValue().get("max_abs").doubleValue();
            assertThat(Math.abs(maxAbs - peftMax)).as(n + ": largest magnitude vs PEFT's " + e.getKey())
                    .isLessThanOrEqualTo(1e-5 * peftMax);
            assertThat(Math.abs(sum - e.getValue().get("sum").doubleValue())).as(n + ": sum vs PEFT's " + e.getKey())
                    .isLessThanOrEqualTo(1e-5 * v.length * peftMax);
        });
        assertThat(changedByLathe).as(name + ": the tensors merging changed").isEqualTo(changedByPeft);

        // Lathe's ordinary loader reads the folder back as a plain model computing PEFT's merged output.
        float[] latheOutput;
        try (PeftRows.Base reloaded = load(family, merged)) {
            Tensor out = PeftInteropCases.output(reloaded.adapterBase(), PeftInteropCases.PLAIN, peft.get("inputs"));
            assertShape(out, peft.get("output"));
            latheOutput = out.toFloatArray();
        }
        double worst = PeftRows.maxRelDiff(latheOutput, values(peft.get("output")));
        assertThat(worst).as(name + ": Lathe's merged model vs PEFT's merge_and_unload").isLessThanOrEqualTo(TOLERANCE);
        if (write) {
            System.out.println("MergedCheckpointsTest wrote " + merged.toAbsolutePath()
                    + "; now run tools/reference/peft_merged.py lathe");
            return;
        }

        // transformers loaded exactly this file (written by this test with -Dpeft.interop.write=true).
        JsonNode transformers = JSON.readTree(fixtures.resolve("transformers-on-lathe.json").toFile());
        assertThat(sha256(merged.resolve(MergedCheckpoints.WEIGHTS_FILE)))
                .as(name + ": Lathe no longer writes the merged checkpoint transformers loaded; if the change is"
                        + " deliberate, regenerate (see this test's javadoc)")
                .isEqualTo(transformers.get("model_safetensors_sha256").asText());
        double vsTransformers = PeftRows.maxRelDiff(latheOutput, values(transformers.get("output")));
        assertThat(vsTransformers).as(name + ": transformers' output with Lathe's merged folder")
                .isLessThanOrEqualTo(TOLERANCE);
        System.out.println("MergedCheckpointsTest " + name + ": max relative difference vs PEFT's merged model "
                + worst + ", vs transformers on Lathe's folder " + vsTransformers);
    }

    @Test
    void aBfloat16BaseGetsItsMergedWeightsBackInBfloat16AndItsOtherTensorsUnchanged() throws Exception {
        Path f32 = PeftRows.resource("tiny-models/llama-gqa");
        Path bf16 = tmp.resolve("llama-bf16");
        Files.createDirectories(bf16);
        Files.copy(f32.resolve("config.json"), bf16.resolve("config.json"));
        Map<String, Tensor> halves = new TreeMap<>();
        try (SafetensorsFile f = SafetensorsFile.open(f32.resolve(MergedCheckpoints.WEIGHTS_FILE))) {
            for (String n : f.names()) {
                halves.put(n, f.tensor(n).to(DType.BF16));
            }
            SafetensorsWriter.write(bf16.resolve(MergedCheckpoints.WEIGHTS_FILE), halves, Map.of("format", "pt"));
        }
        Map<String, Tensor> merged;
        try (Weights w = Weights.open(bf16)) {
            LoraModel lora = LoraAdapters.load(DecoderFamilies.load(bf16, w),
                    PeftRows.resource("peft-interop/peft/llama-lora-qv"), 1);
            merged = lora.mergedTensors();
            MergedCheckpoints.save(lora, bf16, tmp.resolve("merged"));
        }
        assertThat(merged).hasSize(4).allSatisfy((n, t) -> assertThat(t.dtype()).isEqualTo(DType.F32));
        try (SafetensorsFile out = SafetensorsFile.open(tmp.resolve("merged").resolve(MergedCheckpoints.WEIGHTS_FILE))) {
            assertThat(out.names()).isEqualTo(halves.keySet());
            for (String n : out.names()) {
                Tensor t = out.tensor(n);
                assertThat(t.dtype()).as(n).isEqualTo(DType.BF16);
                float[] want = merged.containsKey(n) ? merged.get(n).to(DType.BF16).toFloatArray()
                        : halves.get(n).toFloatArray();
                assertThat(t.toFloatArray()).as(n).containsExactly(want);
            }
            assertThat(out.tensor("model.layers.0.self_attn.q_proj.weight").toFloatArray())
                    .as("the merged weight differs from the base's")
                    .isNotEqualTo(halves.get("model.layers.0.self_attn.q_proj.weight").toFloatArray());
        }
    }

    @Test
    void aMergedTensorTheBaseCheckpointLacksOrAFolderThatIsNotAModelFailsClearly() throws Exception {
        Path base = PeftRows.resource("tiny-models/llama-gqa");
        Tensor t = Tensor.of(new float[4], 2, 2);
        assertThatThrownBy(() -> MergedCheckpoints.save(Map.of("model.layers.9.self_attn.q_proj.weight", t), base,
                tmp.resolve("out")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no tensor for the merged model.layers.9.self_attn.q_proj.weight");
        assertThatThrownBy(() -> MergedCheckpoints.save(Map.of("model.layers.0.self_attn.q_proj.weight", t), base,
                tmp.resolve("out")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("model.layers.0.self_attn.q_proj.weight has shape");
        assertThatThrownBy(() -> MergedCheckpoints.save(Map.of(), tmp, tmp.resolve("out")))
                .hasMessageContaining("no config.json");
        assertThatThrownBy(() -> MergedCheckpoints.save(Map.of(), base, base))
                .hasMessageContaining("another folder than its base");
        assertThat(tmp.resolve("out")).doesNotExist();
    }

    private static PeftRows.Base load(String family, Path dir) throws IOException {
        if (family.equals("bert")) {
            BertModel bert = BertModel.load(dir);
            return new PeftRows.Base(new AdapterBase.Bert(bert), bert);
        }
        Weights weights = Weights.open(dir);
        return new PeftRows.Base(new AdapterBase.Decoder(DecoderFamilies.load(dir, weights)), weights);
    }

    private static Map<String, Tensor> tensors(Path file) throws IOException {
        Map<String, Tensor> out = new TreeMap<>();
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            for (String n : f.names()) {
                out.put(n, Tensor.of(f.tensor(n).toFloatArray(), f.tensor(n).shape()));
            }
        }
        return out;
    }

    private static void assertShape(Tensor actual, JsonNode expected) {
        int[] shape = new int[expected.get("shape").size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = expected.get("shape").get(i).intValue();
        }
        assertThat(actual.shape()).containsExactly(shape);
    }

    private static float[] values(JsonNode tensor) {
        float[] out = new float[tensor.get("data").size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) tensor.get("data").get(i).doubleValue();
        }
        return out;
    }

    private static String sha256(Path file) throws IOException {
        return HexFormat.of().formatHex(Sha256.digest().digest(Files.readAllBytes(file)));
    }
}
