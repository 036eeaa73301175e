package dev.lathe.tune.peft;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lathe.engine.tensor.Tensor;
import dev.lathe.models.family.DecoderModel;
import dev.lathe.models.family.LinearHook;
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
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The cases of the PEFT interoperability check (tools/reference/peft_interop.py and {@link PeftInteropTest}):
 * the same adapter configurations Lathe and PEFT each write, Lathe's deterministic adapters for the
 * Lathe-to-PEFT direction, loading any PEFT folder into a {@link PeftRows.Row}, and the outputs of the base
 * with an adapter for the recorded inputs.
 */
final class PeftInteropCases {
    private PeftInteropCases() {}

    /** Every case name, {@code <family>-<method>...}; the same names as the script's. */
    static final List<String> NAMES = List.of("llama-lora-qv", "llama-lora-all-rslora", "llama-lora-regex",
            "llama-prompt", "llama-prefix", "llama-ia3", "qwen2-lora", "qwen2-ia3", "gpt2-lora", "gpt2-prompt", "gpt2-prefix", "gpt2-ia3", "bert-lora", "bert-prompt",
            "bert-prefix", "bert-ia3");

    /** Adapters PEFT saved in bfloat16 (as after bf16 training), checked in the PEFT to Lathe direction only. */
    static final List<String> PEFT_ONLY = List.of("llama-lora-bf16", "llama-prompt-bf16");

    /** Every case PEFT wrote: {@link #NAMES} and {@link #PEFT_ONLY}. */
    static final List<String> PEFT_WRITTEN = Stream.concat(NAMES.stream(), PEFT_ONLY.stream()).toList();

    /** The hook of a model without adapter: every linear as stored. */
    static final LinearHook PLAIN = (layer, projection, x, linear) -> LinearHook.plain(x, linear);

    static String family(String name) {
        return name.substring(0, name.indexOf('-'));
    }

    /** The base model's folder under tiny-models/. */
    static String baseModelFolder(String family) {
        return switch (family) {
            case "llama" -> "llama-gqa";
            case "qwen2" -> "qwen2-bias";
            case "bert" -> "bert-tiny";
            default -> family;
        };
    }

    /** The base model's path as the script loads it (relative, so configs do not depend on the machine). */
    static String baseModelPath(String family) {
        return "tiny-models/" + baseModelFolder(family);
    }

    /** The tiny base model of case {@code name}. */
    static PeftRows.Base base(String name) {
        String family = family(name);
        return PeftRows.base(family.equals("bert") ? "bert" : baseModelFolder(family));
    }

    /**
     * Lathe's adapter for case {@code name} on {@code base}, the configuration of the script's PEFT case (the
     * "all-linear" case names its seven projections), every adapter tensor overwritten with values drawn
     * from a seed of the case's index: LoRA A and B 0.3 * N(0, 1), IA3 scales 1 + 0.3 * N(0, 1), prompt and
     * prefix embeddings N(0, 1). The same bytes on every machine.
     */
    static PeftRows.Row latheAdapter(String name, AdapterBase base) {
        String family = family(name);
        TaskType task = family.equals("bert") ? TaskType.FEATURE_EXTRACTION : TaskType.CAUSAL_LM;
        String baseModel = baseModelPath(family);
        String method = name.substring(family.length() + 1);
        PeftRows.Row row = switch (method) {
            case "lora-qv" -> lora(base, LoraConfig.of(4, 8, TargetModules.of("q_proj", "v_proj")), family);
            case "lora-regex" -> lora(base, LoraConfig.of(2, 4,
                    TargetModules.matching(".*\\.layers\\.1\\.self_attn\\.(q_proj|o_proj)")), family);
            case "lora-all-rslora" -> lora(base, LoraConfig.of(4, 6, TargetModules.of("q_proj", "k_proj", "v_proj",
                    "o_proj", "gate_proj", "up_proj", "down_proj")).withRslora(true).withDropout(0.05), family);
            case "lora" -> lora(base, switch (family) {
                case "gpt2" -> LoraConfig.of(4, 8, TargetModules.of("c_attn", "c_proj", "c_fc")).withFanInFanOut(true);
                case "qwen2" -> LoraConfig.of(4, 8, TargetModules.of("q_proj", "k_proj", "v_proj"));
                default -> LoraConfig.of(4, 8, TargetModules.of("query", "value")).withTaskType(task);
            }, family);
            case "prompt" -> new PeftRows.Adapter(PromptTuningModel.create(base,
                    PromptTuningConfig.of(base, 3).withBaseModel(baseModel).withTaskType(task), null, 1));
            case "prefix" -> new PeftRows.Adapter(PrefixTuningModel.create(base,
                    PrefixTuningConfig.of(base, 3).withBaseModel(baseModel).withTaskType(task), 1));
            case "ia3" -> new PeftRows.Adapter(new IA3Model(base, (switch (family) {
                case "llama", "qwen2" -> IA3Config.of(TargetModules.of("k_proj", "v_proj", "down_proj"), TargetModules.of("down_proj"));
                case "gpt2" -> IA3Config.of(TargetModules.of("c_attn", "mlp.c_proj"), TargetModules.of("mlp.c_proj"))
                        .withFanInFanOut(true);
                default -> IA3Config.of(TargetModules.of("key", "value", "output.dense"), TargetModules.of("output.dense"));
            }).withBaseModel(baseModel).withTaskType(task), 1));
            default -> throw new IllegalArgumentException("unknown case " + name);
        };
        SplittableRandom random = new SplittableRandom(3000 + NAMES.indexOf(name));
        for (Map.Entry<String, Tensor> e : new TreeMap<>(row.saved()).entrySet()) {
            float[] values = new float[(int) e.getValue().numel()];
            for (int i = 0; i < values.length; i++) {
                double g = gaussian(random);
                values[i] = (float) (e.getKey().endsWith("ia3_l") ? 1 + 0.3 * g
                        : e.getKey().contains(".lora_") ? 0.3 * g : g);
            }
            PeftRows.fill(e.getValue(), values);
        }
        return row;
    }

    private static PeftRows.Row lora(AdapterBase base, LoraConfig config, String family) {
        return new PeftRows.Lora(LoraModel.create(base, "default", config.withBaseModel(baseModelPath(family)), 1));
    }

    /** A standard normal value (Box-Muller), so the draws do not depend on a JDK's Random implementation. */
    private static double gaussian(SplittableRandom random) {
        double u = 1 - random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
    }

    /** Saves {@code row}'s adapter as PEFT's folder. */
    static void save(PeftRows.Row row, Path dir) throws IOException {
        switch (row) {
            case PeftRows.Lora l -> LoraAdapters.save(l.lora(), "default", dir);
            case PeftRows.Adapter a -> a.adapter().save(dir);
            default -> throw new IllegalArgumentException("unknown row " + row);
        }
    }

    /** Loads the PEFT adapter folder {@code dir} onto {@code base}, whatever its method. */
    static PeftRows.Row load(AdapterBase base, Path dir) throws IOException {
        return switch (AdapterConfigs.read(dir)) {
            case LoraConfig c -> new PeftRows.Lora(LoraAdapters.load(base, dir, 1));
            case IA3Config c -> new PeftRows.Adapter(IA3Adapters.load(base, dir));
            case PromptTuningConfig c -> new PeftRows.Adapter(PromptTuningAdapters.load(base, dir));
            case PrefixTuningConfig c -> new PeftRows.Adapter(PrefixTuningAdapters.load(base, dir));
            default -> throw new IllegalArgumentException(dir + ": unexpected adapter type");
        };
    }

    /** The config of {@code row} as Lathe writes it in adapter_config.json. */
    static ObjectNode configJson(PeftRows.Row row) {
        AdapterConfig config = row instanceof PeftRows.Lora l ? l.lora().config("default")
                : ((PeftRows.Adapter) row).adapter().config();
        return switch (config) {
            case LoraConfig c -> c.toJson();
            case IA3Config c -> c.toJson();
            case PromptTuningConfig c -> c.toJson();
            case PrefixTuningConfig c -> c.toJson();
            default -> throw new IllegalArgumentException("unexpected config " + config);
        };
    }

    /**
     * The base's output with {@code row}'s adapter for the recorded {@code inputs}, every position (prompt
     * tuning's virtual ones first): a decoder's logits (B, P + T, V), BERT's last hidden state (B, P + T, C).
     */
    static Tensor output(AdapterBase base, PeftRows.Row row, JsonNode inputs) {
        return output(base, row.hook(), inputs);
    }

    /** The base's output through {@code hook} for the recorded {@code inputs} (a plain model: {@link #PLAIN}). */
    static Tensor output(AdapterBase base, LinearHook hook, JsonNode inputs) {
        int[][] ids = ints(inputs.get("ids"));
        int[][] mask = ints(inputs.get("mask"));
        if (base instanceof AdapterBase.Bert b) {
            return b.model().forward(ids, mask, ints(inputs.get("types")), hook);
        }
        DecoderModel m = ((AdapterBase.Decoder) base).model();
        int batch = ids.length;
        int t = ids[0].length;
        int[] flat = new int[batch * t];
        float[] maskValues = new float[batch * t];
        for (int i = 0; i < batch; i++) {
            for (int j = 0; j < t; j++) {
                flat[i * t + j] = ids[i][j];
                maskValues[i * t + j] = mask[i][j];
            }
        }
        return m.logits(flat, batch, t, Tensor.of(maskValues, batch, t), hook);
    }

    private static int[][] ints(JsonNode rows) {
        int[][] out = new int[rows.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = new int[rows.get(i).size()];
            for (int j = 0; j < out[i].length; j++) {
                out[i][j] = rows.get(i).get(j).intValue();
            }
        }
        return out;
    }
}
