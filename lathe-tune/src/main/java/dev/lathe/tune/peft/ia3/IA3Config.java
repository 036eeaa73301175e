package dev.lathe.tune.peft.ia3;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lathe.tune.peft.AdapterConfig;
import dev.lathe.tune.peft.PeftConfigJson;
import dev.lathe.tune.peft.PeftJson;
import dev.lathe.tune.peft.TargetModules;
import dev.lathe.tune.peft.TaskType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.regex.Pattern;

/**
 * An (IA)³ adapter's settings (Liu et al. 2022, https://arxiv.org/abs/2205.05638), as Hugging Face PEFT's
 * {@code IA3Config} and under its JSON names: {@code target_modules} (the modules that get a learned vector),
 * {@code feedforward_modules} (those of them whose input is scaled, a vector (1, in); the others scale their
 * output, a vector (out, 1)), {@code fan_in_fan_out} (true for GPT-2's Conv1D), {@code init_ia3_weights}
 * (true: vectors of ones, so a new adapter changes nothing). Matching as PEFT does: a target name matches a
 * module path equal to it or ending with "." + name; a feedforward name matches a path that merely ends with
 * it; a string is a regex the whole path must match. {@code feedforwardModules} null means none (written
 * as {@code []}); PEFT's defaults are {@code ["down_proj"]} for Llama and {@code ["output.dense"]} for BERT. PEFT's {@code exclude_modules} and
 * {@code modules_to_save} are rejected when read, never ignored.
 */
public record IA3Config(TargetModules targetModules, TargetModules feedforwardModules, boolean fanInFanOut,
        boolean initIa3Weights, String baseModelNameOrPath, TaskType taskType, boolean inferenceMode)
        implements AdapterConfig {

    public IA3Config {
        if (targetModules == null) {
            throw new IllegalArgumentException("IA3 target_modules must be given (names or a regex)");
        }
        if (feedforwardModules != null && feedforwardModules.names() != null && targetModules.names() != null
                && !new HashSet<>(targetModules.names()).containsAll(feedforwardModules.names())) {
            throw new IllegalArgumentException("IA3 feedforward_modules " + feedforwardModules.names()
                    + " must be a subset of target_modules " + targetModules.names() + " (as PEFT requires)");
        }
    }

    /** PEFT's defaults for everything but the modules: nn.Linear layout, ones init, CAUSAL_LM, training mode. */
    public static IA3Config of(TargetModules targets, TargetModules feedforward) {
        return new IA3Config(targets, feedforward, false, true, null, TaskType.CAUSAL_LM, false);
    }

    public IA3Config withFanInFanOut(boolean value) {
        return new IA3Config(targetModules, feedforwardModules, value, initIa3Weights, baseModelNameOrPath, taskType,
                inferenceMode);
    }

    public IA3Config withInitIa3Weights(boolean value) {
        return new IA3Config(targetModules, feedforwardModules, fanInFanOut, value, baseModelNameOrPath, taskType,
                inferenceMode);
    }

    public IA3Config withBaseModel(String nameOrPath) {
        return new IA3Config(targetModules, feedforwardModules, fanInFanOut, initIa3Weights, nameOrPath, taskType,
                inferenceMode);
    }

    public IA3Config withTaskType(TaskType value) {
        return new IA3Config(targetModules, feedforwardModules, fanInFanOut, initIa3Weights, baseModelNameOrPath, value,
                inferenceMode);
    }

    @Override
    public String peftType() {
        return "IA3";
    }

    /** Whether the target at {@code path} scales its input (PEFT's {@code is_feedforward}: suffix or regex match). */
    public boolean isFeedforward(String path) {
        if (feedforwardModules == null) {
            return false;
        }
        if (feedforwardModules.regex() != null) {
            return Pattern.compile(feedforwardModules.regex()).matcher(path).matches();
        }
        return feedforwardModules.names().stream().anyMatch(path::endsWith);
    }

    // ---------------------------------------------------------------- adapter_config.json

    /** Every field PEFT writes for an IA3 adapter, with this config's values. */
    public ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        PeftConfigJson.putCommon(o, "IA3", taskType, baseModelNameOrPath, inferenceMode);
        o.putNull("exclude_modules");
        o.put("fan_in_fan_out", fanInFanOut);
        if (feedforwardModules == null) {
            o.putArray("feedforward_modules");
        } else {
            PeftConfigJson.putModules(o, "feedforward_modules", feedforwardModules);
        }
        o.put("init_ia3_weights", initIa3Weights);
        o.putNull("modules_to_save");
        PeftConfigJson.putModules(o, "target_modules", targetModules);
        return o;
    }

    public String toJsonString() {
        return PeftJson.write(toJson());
    }

    public static IA3Config read(Path file) throws IOException {
        return fromJson(PeftConfigJson.readObject(file), file.toString());
    }

    /** Parses PEFT's IA3 config JSON; {@code where} names the source in errors. */
    public static IA3Config fromJson(JsonNode root, String where) {
        PeftConfigJson.requireType(root, where, "IA3");
        PeftConfigJson.rejectIfSet(root, where, "exclude_modules", "IA3");
        PeftConfigJson.rejectIfSet(root, where, "modules_to_save", "IA3 (train a head with the classification task)");
        TargetModules targets = PeftConfigJson.modules(root, where, "target_modules");
        JsonNode ff = root.get("feedforward_modules");
        boolean noFeedforward = ff != null && ff.isArray() && ff.isEmpty();
        TargetModules feedforward = noFeedforward ? null : PeftConfigJson.modules(root, where, "feedforward_modules");
        if (targets == null || (feedforward == null && !noFeedforward)) {
            throw new IllegalArgumentException(where + ": IA3 needs target_modules and feedforward_modules (Lathe has"
                    + " no per-model default lists)");
        }
        try {
            return new IA3Config(targets, feedforward, root.path("fan_in_fan_out").asBoolean(false),
                    root.path("init_ia3_weights").asBoolean(true), PeftConfigJson.baseModel(root),
                    PeftConfigJson.taskType(root, where), root.path("inference_mode").asBoolean(false));
        } catch (IllegalArgumentException e) {
            throw e.getMessage().startsWith(where) ? e : new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }
}
