package dev.lathe.tune.peft.prefix;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lathe.tune.peft.AdapterBase;
import dev.lathe.tune.peft.AdapterConfig;
import dev.lathe.tune.peft.PeftConfigJson;
import dev.lathe.tune.peft.PeftJson;
import dev.lathe.tune.peft.PromptLearningConfig;
import dev.lathe.tune.peft.TargetModules;
import dev.lathe.tune.peft.TaskType;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A prefix-tuning adapter's settings (Li and Liang 2021, https://arxiv.org/abs/2101.00190), as Hugging Face
 * PEFT's {@code PrefixTuningConfig} with its default {@code prefix_projection} false (the trained tensor is
 * the key/value prefix itself; the reparameterising MLP is not implemented and is rejected when read):
 * the shared {@link PromptLearningConfig} sizes (for grouped-query models PEFT stores the key/value heads:
 * {@code num_attention_heads} = KVH, {@code token_dim} = KVH * D), {@code encoder_hidden_size} (PEFT fills
 * in token_dim; unused without projection) and {@code init_weights} (null: standard normal; "zero": zeros).
 */
public record PrefixTuningConfig(PromptLearningConfig sizes, int encoderHiddenSize, boolean zeroInit,
        String baseModelNameOrPath, TaskType taskType, boolean inferenceMode) implements AdapterConfig {

    public PrefixTuningConfig {
        if (sizes == null) {
            throw new IllegalArgumentException("prefix tuning needs its sizes");
        }
    }

    /** P virtual positions for {@code base}, sized as PEFT's {@code _prepare_prompt_learning_config} does. */
    public static PrefixTuningConfig of(AdapterBase base, int numVirtualTokens) {
        int tokenDim = base.kvHeads() * base.headDim();
        return new PrefixTuningConfig(new PromptLearningConfig(numVirtualTokens, tokenDim, base.layers(), base.kvHeads()),
                tokenDim, false, null, TaskType.CAUSAL_LM, false);
    }

    public PrefixTuningConfig withZeroInit(boolean value) {
        return new PrefixTuningConfig(sizes, encoderHiddenSize, value, baseModelNameOrPath, taskType, inferenceMode);
    }

    public PrefixTuningConfig withBaseModel(String nameOrPath) {
        return new PrefixTuningConfig(sizes, encoderHiddenSize, zeroInit, nameOrPath, taskType, inferenceMode);
    }

    public PrefixTuningConfig withTaskType(TaskType value) {
        return new PrefixTuningConfig(sizes, encoderHiddenSize, zeroInit, baseModelNameOrPath, value, inferenceMode);
    }

    @Override
    public String peftType() {
        return "PREFIX_TUNING";
    }

    /** Prefix tuning wraps no modules (PEFT has no target_modules for it): null. */
    @Override
    public TargetModules targetModules() {
        return null;
    }

    public int numVirtualTokens() {
        return sizes.numVirtualTokens();
    }

    /** Every field PEFT writes for a prefix-tuning adapter. */
    public ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        PeftConfigJson.putCommon(o, "PREFIX_TUNING", taskType, baseModelNameOrPath, inferenceMode);
        sizes.putInto(o);
        o.put("encoder_hidden_size", encoderHiddenSize);
        if (zeroInit) {
            o.put("init_weights", "zero");
        } else {
            o.putNull("init_weights");
        }
        o.put("prefix_projection", false);
        return o;
    }

    public String toJsonString() {
        return PeftJson.write(toJson());
    }

    public static PrefixTuningConfig read(Path file) throws IOException {
        return fromJson(PeftConfigJson.readObject(file), file.toString());
    }

    public static PrefixTuningConfig fromJson(JsonNode root, String where) {
        PeftConfigJson.requireType(root, where, "PREFIX_TUNING");
        if (root.path("prefix_projection").asBoolean(false)) {
            throw new IllegalArgumentException(where + ": prefix_projection true (an MLP over the prefix) is not"
                    + " supported by Lathe's prefix tuning; train without projection (PEFT's default)");
        }
        JsonNode init = root.get("init_weights");
        boolean zero = init != null && !init.isNull();
        if (zero && !"zero".equals(init.asText())) {
            throw new IllegalArgumentException(where + ": init_weights " + init + " is not null or \"zero\"");
        }
        PromptLearningConfig sizes = PromptLearningConfig.fromJson(root, where);
        return new PrefixTuningConfig(sizes, PeftConfigJson.intField(root, where, "encoder_hidden_size",
                sizes.tokenDim()), zero, PeftConfigJson.baseModel(root), PeftConfigJson.taskType(root, where),
                root.path("inference_mode").asBoolean(false));
    }
}
