package dev.lathe.tune.peft;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lathe.engine.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Lathe's adapters against the real Hugging Face PEFT 0.21.0 (fixtures of tools/reference/peft_interop.py in
 * resources peft-interop/, described in its README), in both directions, for LoRA (q/v, every projection with
 * rsLoRA, a regex target, Qwen2's biased q/k/v, GPT-2's fused c_attn and Conv1D MLP, BERT), prompt tuning, prefix
 * tuning and IA3 on a grouped-query Llama, Qwen2, GPT-2 and BERT (and a LoRA and a prompt-tuning adapter PEFT saved
 * in bfloat16):
 * <ul>
 *   <li>PEFT to Lathe: each adapter folder PEFT saved loads into Lathe and gives PEFT's output for the same
 *       inputs (every position, virtual tokens included) within 1e-4, and the adapter_config.json Lathe writes
 *       for it is PEFT's, byte for byte;
 *   <li>Lathe to PEFT: Lathe still writes, byte for byte, the adapter folders PEFT was shown (so a writer change
 *       PEFT has not seen fails here until the script runs again), PEFT's output with them (recorded by the
 *       script) is Lathe's within 1e-4, and the config PEFT saves after loading Lathe's has Lathe's fields and values.
 * </ul>
 * To regenerate Lathe's folders after a deliberate format change: run this test with
 * {@code -Dpeft.interop.write=true} (it writes src/test/resources/peft-interop/lathe/), then
 * {@code tools/reference/peft_interop.py lathe} with the PEFT venv, and commit both.
 */
class PeftInteropTest {
    static final double TOLERANCE = 1e-4;
    static final List<String> CASES = PeftInteropCases.NAMES;
    static final List<String> PEFT_CASES = PeftInteropCases.PEFT_WRITTEN;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SOURCE_FIXTURES = Path.of("src/test/resources/peft-interop/lathe");

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}")
    @FieldSource("PEFT_CASES")
    void anAdapterSavedByPeftLoadsIntoLatheAndComputesPeftsOutput(String name) throws Exception {
        Path dir = PeftRows.resource("peft-interop/peft/" + name);
        JsonNode expected = JSON.readTree(dir.resolve("expected.json").toFile());
        try (PeftRows.Base base = PeftInteropCases.base(name)) {
            PeftRows.Row row = PeftInteropCases.load(base.adapterBase(), dir);
            Tensor out = PeftInteropCases.output(base.adapterBase(), row, expected.get("inputs"));
            double worst = compare(name + " (PEFT -> Lathe)", out, expected.get("output"));
            assertThat(PeftJson.writeAdapterConfig(PeftInteropCases.configJson(row)))
                    .as(name + ": the adapter_config.json Lathe writes for PEFT's adapter, byte for byte")
                    .isEqualTo(Files.readString(dir.resolve(AdapterConfigs.CONFIG_FILE)));
            System.out.println("PeftInteropTest PEFT -> Lathe " + name + ": max relative difference " + worst);
        }
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("CASES")
    void anAdapterSavedByLatheIsWhatPeftLoadedAndComputesPeftsOutput(String name) throws Exception {
        try (PeftRows.Base base = PeftInteropCases.base(name)) {
            PeftRows.Row written = PeftInteropCases.latheAdapter(name, base.adapterBase());
            Path fresh = tmp.resolve(name);
            PeftInteropCases.save(written, fresh);
            if (Boolean.getBoolean("peft.interop.write")) {
                PeftInteropCases.save(written, SOURCE_FIXTURES.resolve(name));
                System.out.println("PeftInteropTest wrote " + SOURCE_FIXTURES.resolve(name).toAbsolutePath()
                        + "; now run tools/reference/peft_interop.py lathe");
                return;
            }
            Path committed = PeftRows.resource("peft-interop/lathe/" + name);
            for (String file : List.of(AdapterConfigs.CONFIG_FILE, AdapterConfigs.WEIGHTS_FILE)) {
                assertThat(Files.readAllBytes(fresh.resolve(file)))
                        .as(name + "/" + file + ": Lathe no longer writes the file PEFT was checked with; if the change"
                                + " is deliberate, regenerate (see PeftInteropTest's javadoc) and rerun the PEFT script")
                        .isEqualTo(Files.readAllBytes(committed.resolve(file)));
            }
            JsonNode peft = JSON.readTree(committed.resolve("peft-output.json").toFile());
            PeftRows.Row loaded = PeftInteropCases.load(base.adapterBase(), committed);
            double worst = compare(name + " (Lathe -> PEFT)", PeftInteropCases.output(base.adapterBase(), loaded,
                    peft.get("inputs")), peft.get("output"));
            worst = Math.max(worst, compare(name + " (Lathe's adapter as written, before saving)",
                    PeftInteropCases.output(base.adapterBase(), written, peft.get("inputs")), peft.get("output")));
            JsonNode latheConfig = JSON.readTree(committed.resolve(AdapterConfigs.CONFIG_FILE).toFile());
            assertSameConfig(latheConfig, JSON.readTree(committed.resolve("peft-resaved-config.json").toFile()),
                    name + ": Lathe's adapter_config.json vs the one PEFT saves after loading it");
            // The config PEFT made itself for the same settings (get_peft_model on the same base): the sizes
            // Lathe derives (token_dim, num_attention_heads, encoder_hidden_size ...) must be PEFT's.
            ObjectNode fromPeft = (ObjectNode) JSON.readTree(PeftRows.resource("peft-interop/peft/" + name + "/"
                    + AdapterConfigs.CONFIG_FILE).toFile());
            ObjectNode fromLathe = latheConfig.deepCopy();
            if (name.equals("llama-lora-all-rslora")) { // PEFT saves "all-linear" as the module paths it found
                assertThat(fromPeft.get("target_modules")).hasSize(2 * 7);
                fromPeft.remove("target_modules");
                fromLathe.remove("target_modules");
            }
            assertSameConfig(fromLathe, fromPeft, name + ": Lathe's config vs the one PEFT made for the same settings");
            System.out.println("PeftInteropTest Lathe -> PEFT " + name + ": max relative difference " + worst);
        }
    }

    private static double compare(String what, Tensor actual, JsonNode expected) {
        List<Integer> shape = new ArrayList<>();
        expected.get("shape").forEach(n -> shape.add(n.intValue()));
        assertThat(actual.shape()).as(what + ": output shape")
                .containsExactly(shape.stream().mapToInt(Integer::intValue).toArray());
        float[] want = new float[expected.get("data").size()];
        for (int i = 0; i < want.length; i++) {
            want[i] = (float) expected.get("data").get(i).doubleValue();
        }
        double d = PeftRows.maxRelDiff(actual.toFloatArray(), want);
        assertThat(d).as(what + ": max relative difference to PEFT's output").isLessThanOrEqualTo(TOLERANCE);
        return d;
    }

    /**
     * The two configs have the same fields with the same values; module lists compare as sets (PEFT keeps them
     * in a Python set, so its order is arbitrary). {@code inference_mode} is compared too: both write true on
     * save (PEFT's save_pretrained always does; see {@link PeftJson#writeAdapterConfig}).
     */
    static void assertSameConfig(JsonNode lathe, JsonNode peft, String what) {
        ObjectNode a = normalised(lathe);
        ObjectNode b = normalised(peft);
        Set<String> fields = new TreeSet<>();
        a.fieldNames().forEachRemaining(fields::add);
        b.fieldNames().forEachRemaining(fields::add);
        List<String> differences = new ArrayList<>();
        for (String f : fields) {
            if (!a.has(f)) {
                differences.add(f + ": PEFT writes " + b.get(f) + ", Lathe does not write it");
            } else if (!b.has(f)) {
                differences.add(f + ": Lathe writes " + a.get(f) + ", PEFT does not write it");
            } else if (!a.get(f).equals(b.get(f))) {
                differences.add(f + ": Lathe " + a.get(f) + ", PEFT " + b.get(f));
            }
        }
        assertThat(differences).as(what).isEmpty();
    }

    private static ObjectNode normalised(JsonNode config) {
        ObjectNode o = config.deepCopy();
        for (String f : List.of("target_modules", "feedforward_modules")) {
            if (o.get(f) instanceof ArrayNode list) {
                Set<String> sorted = new TreeSet<>();
                list.forEach(n -> sorted.add(n.asText()));
                ArrayNode out = o.putArray(f);
                sorted.forEach(out::add);
            }
        }
        if (o.get("lora_alpha") != null && o.get("lora_alpha").isNumber()) {
            o.put("lora_alpha", o.get("lora_alpha").doubleValue()); // 8 and 8.0 are the same alpha
        }
        return o;
    }
}
