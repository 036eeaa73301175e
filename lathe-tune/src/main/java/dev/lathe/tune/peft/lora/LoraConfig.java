package dev.lathe.tune.peft.lora;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lathe.tune.peft.AdapterConfig;
import dev.lathe.tune.peft.PeftJson;
import dev.lathe.tune.peft.TargetModules;
import dev.lathe.tune.peft.TaskType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A LoRA adapter's settings, as Hugging Face PEFT's {@code LoraConfig} and under its JSON names: rank
 * {@code r}, {@code lora_alpha}, {@code lora_dropout} (on the adapter's input only), {@code target_modules},
 * {@code bias} (only "none": base biases stay frozen), {@code use_rslora} (scaling alpha / sqrt(r) instead
 * of alpha / r), {@code fan_in_fan_out} (true for GPT-2's Conv1D, whose weights are stored (in, out)),
 * {@code init_lora_weights} (true: A kaiming-uniform as nn.Linear, B zero, so a new adapter changes
 * nothing; false: B kaiming-uniform too), {@code base_model_name_or_path}, {@code task_type} and
 * {@code inference_mode}. PEFT features Lathe does not implement (DoRA, rank/alpha patterns, layer
 * selection, modules_to_save, LoRA biases ...) are rejected when read, never silently ignored.
 */
public record LoraConfig(int r, double loraAlpha, double loraDropout, TargetModules targetModules, String bias,
        boolean useRslora, boolean fanInFanOut, boolean initLoraWeights, String baseModelNameOrPath,
        TaskType taskType, boolean inferenceMode) implements AdapterConfig {

    /** The PEFT release whose {@code adapter_config.json} fields this writes. */
    public static final String PEFT_VERSION = "0.21.0";
    private static final ObjectMapper JSON = new ObjectMapper();

    public LoraConfig {
        if (r < 1) {
            throw new IllegalArgumentException("LoRA rank r must be >= 1, got " + r);
        }
        if (!(loraAlpha > 0) || Double.isInfinite(loraAlpha)) {
            throw new IllegalArgumentException("lora_alpha must be finite and > 0, got " + loraAlpha);
        }
        if (!(loraDropout >= 0 && loraDropout < 1)) {
            throw new IllegalArgumentException("lora_dropout must be in [0, 1), got " + loraDropout);
        }
        if (targetModules == null) {
            throw new IllegalArgumentException("target_modules must be given (names or a regex)");
        }
        if (!"none".equals(bias)) {
            throw new IllegalArgumentException("bias '" + bias + "' is not supported; only \"none\" (base biases stay"
                    + " frozen)");
        }
    }

    /**
     * PEFT's defaults for everything but the rank, alpha and targets: dropout 0, bias "none", no rsLoRA,
     * fan_in_fan_out false, standard init, task CAUSAL_LM, training mode, no base model name.
     */
    public static LoraConfig of(int r, double loraAlpha, TargetModules targets) {
        return new LoraConfig(r, loraAlpha, 0.0, targets, "none", false, false, true, null, TaskType.CAUSAL_LM, false);
    }

    @Override
    public String peftType() {
        return "LORA";
    }

    /** The factor on {@code B A x}: {@code lora_alpha / sqrt(r)} with rsLoRA, else {@code lora_alpha / r}. */
    public double scaling() {
        return useRslora ? loraAlpha / Math.sqrt(r) : loraAlpha / r;
    }

    public LoraConfig withDropout(double p) {
        return new LoraConfig(r, loraAlpha, p, targetModules, bias, useRslora, fanInFanOut, initLoraWeights,
                baseModelNameOrPath, taskType, inferenceMode);
    }

    public LoraConfig withRslora(boolean value) {
        return new LoraConfig(r, loraAlpha, loraDropout, targetModules, bias, value, fanInFanOut, initLoraWeights,
                baseModelNameOrPath, taskType, inferenceMode);
    }

    public LoraConfig withFanInFanOut(boolean value) {
        return new LoraConfig(r, loraAlpha, loraDropout, targetModules, bias, useRslora, value, initLoraWeights,
                baseModelNameOrPath, taskType, inferenceMode);
    }

    public LoraConfig withInitLoraWeights(boolean value) {
        return new LoraConfig(r, loraAlpha, loraDropout, targetModules, bias, useRslora, fanInFanOut, value,
                baseModelNameOrPath, taskType, inferenceMode);
    }

    public LoraConfig withBaseModel(String nameOrPath) {
        return new LoraConfig(r, loraAlpha, loraDropout, targetModules, bias, useRslora, fanInFanOut, initLoraWeights,
                nameOrPath, taskType, inferenceMode);
    }

    public LoraConfig withTaskType(TaskType value) {
        return new LoraConfig(r, loraAlpha, loraDropout, targetModules, bias, useRslora, fanInFanOut, initLoraWeights,
                baseModelNameOrPath, value, inferenceMode);
    }

    public LoraConfig withInferenceMode(boolean value) {
        return new LoraConfig(r, loraAlpha, loraDropout, targetModules, bias, useRslora, fanInFanOut, initLoraWeights,
                baseModelNameOrPath, taskType, value);
    }

    // ---------------------------------------------------------------- adapter_config.json

    /** Every field PEFT {@value #PEFT_VERSION} writes for a LoRA adapter, with this config's values. */
    public ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        for (String nullField : List.of("alora_invocation_tokens", "arrow_config", "auto_mapping", "corda_config",
                "eva_config", "exclude_modules", "kasa_config", "layer_replication", "layers_pattern",
                "layers_to_transform", "lora_ga_config", "megatron_config", "modules_to_save", "monteclora_config",
                "revision", "target_parameters", "trainable_token_indices", "use_bdlora", "velora_config")) {
            o.putNull(nullField);
        }
        o.putObject("alpha_pattern");
        o.putObject("rank_pattern");
        o.putObject("loftq_config");
        o.put("base_model_name_or_path", baseModelNameOrPath);
        o.put("bias", bias);
        o.put("ensure_weight_tying", false);
        o.put("fan_in_fan_out", fanInFanOut);
        o.put("inference_mode", inferenceMode);
        o.put("init_lora_weights", initLoraWeights);
        if (loraAlpha == Math.rint(loraAlpha) && Math.abs(loraAlpha) < 1e15) {
            o.put("lora_alpha", (long) loraAlpha); // Python keeps an int alpha an int
        } else {
            o.put("lora_alpha", loraAlpha);
        }
        o.put("lora_bias", false);
        o.put("lora_dropout", loraDropout);
        o.put("megatron_core", "megatron.core");
        o.put("peft_type", "LORA");
        o.put("peft_version", PEFT_VERSION);
        o.put("qalora_group_size", 16);
        o.put("r", r);
        if (targetModules.regex() != null) {
            o.put("target_modules", targetModules.regex());
        } else {
            targetModules.names().forEach(o.putArray("target_modules")::add);
        }
        o.put("task_type", taskType == null ? null : taskType.name());
        o.put("use_dora", false);
        o.put("use_qalora", false);
        o.put("use_rslora", useRslora);
        return o;
    }

    /** {@link #toJson()} laid out as PEFT writes the file. */
    public String toJsonString() {
        return PeftJson.write(toJson());
    }

    /** Reads an {@code adapter_config.json}; errors name the file and the field. */
    public static LoraConfig read(Path file) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": not valid JSON: " + e.getMessage(), e);
        }
        return fromJson(root, file.toString());
    }

    /** Parses PEFT's LoRA config JSON; {@code where} names the source in errors. */
    public static LoraConfig fromJson(JsonNode root, String where) {
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(where + ": adapter config must be a JSON object");
        }
        String peftType = root.path("peft_type").asText(null);
        if (!"LORA".equals(peftType)) {
            throw new IllegalArgumentException(where + ": peft_type is " + (peftType == null ? "missing"
                    : "'" + peftType + "'") + ", expected 'LORA'");
        }
        rejectUnless(root, where, "use_dora", JsonNode::asBoolean, "DoRA");
        rejectUnless(root, where, "use_qalora", JsonNode::asBoolean, "QALoRA");
        rejectUnless(root, where, "lora_bias", JsonNode::asBoolean, "LoRA biases");
        rejectUnless(root, where, "rank_pattern", n -> !n.isEmpty(), "per-module ranks");
        rejectUnless(root, where, "alpha_pattern", n -> !n.isEmpty(), "per-module alphas");
        // Variants PEFT 0.20/0.21 added that change what the adapter computes (the init-only configs eva, corda,
        // lora_ga and loftq, and VeLoRA, which changes only the backward pass, load as plain LoRA).
        rejectUnless(root, where, "kasa_config", n -> true, "KaSA (singular-value adaptation)");
        rejectUnless(root, where, "monteclora_config", n -> true, "MonteCLoRA (Monte Carlo sampling)");
        rejectUnless(root, where, "alora_invocation_tokens", n -> true, "activated LoRA (aLoRA)");
        rejectUnless(root, where, "use_bdlora", n -> !(n.isBoolean() && !n.booleanValue()), "block-diagonal LoRA");
        rejectUnless(root, where, "arrow_config", n -> true, "Arrow routing");
        for (String f : List.of("layers_to_transform", "modules_to_save", "exclude_modules", "layer_replication",
                "target_parameters", "trainable_token_indices")) {
            rejectUnless(root, where, f, n -> !(n.isArray() && n.isEmpty()), f);
        }
        try {
            JsonNode t = root.get("target_modules");
            TargetModules targets;
            if (t == null || t.isNull()) {
                throw new IllegalArgumentException("target_modules is missing (Lathe has no per-model default list)");
            } else if (t.isTextual()) {
                targets = TargetModules.matching(t.textValue());
            } else if (t.isArray()) {
                List<String> names = new java.util.ArrayList<>();
                t.forEach(n -> names.add(n.asText()));
                targets = new TargetModules(names, null);
            } else {
                throw new IllegalArgumentException("target_modules must be a list of names or a regex string, got " + t);
            }
            JsonNode task = root.get("task_type");
            JsonNode init = root.get("init_lora_weights");
            if (init != null && !init.isNull() && !init.isBoolean()) {
                throw new IllegalArgumentException("init_lora_weights " + init + " is not supported; expected true or false");
            }
            JsonNode name = root.get("base_model_name_or_path");
            return new LoraConfig(intField(root, "r", 8), root.path("lora_alpha").asDouble(8),
                    root.path("lora_dropout").asDouble(0), targets, root.path("bias").asText("none"),
                    root.path("use_rslora").asBoolean(false), root.path("fan_in_fan_out").asBoolean(false),
                    init == null || init.isNull() || init.booleanValue(),
                    name == null || name.isNull() ? null : name.asText(),
                    task == null || task.isNull() ? null : TaskType.parse(task.asText(), where),
                    root.path("inference_mode").asBoolean(false));
        } catch (IllegalArgumentException e) {
            throw e.getMessage().startsWith(where) ? e : new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }

    private static int intField(JsonNode root, String field, int dflt) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            return dflt;
        }
        if (!n.canConvertToInt() || !n.isIntegralNumber()) {
            throw new IllegalArgumentException(field + " must be an integer, got " + n);
        }
        return n.intValue();
    }

    private static void rejectUnless(JsonNode root, String where, String field,
            java.util.function.Predicate<JsonNode> used, String feature) {
        JsonNode n = root.get(field);
        if (n != null && !n.isNull() && used.test(n)) {
            throw new IllegalArgumentException(where + ": " + field + " = " + n + " asks for " + feature
                    + ", which Lathe's LoRA does not support");
        }
    }
}
