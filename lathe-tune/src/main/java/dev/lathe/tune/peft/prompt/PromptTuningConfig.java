package dev.lathe.tune.peft.prompt;

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
 * A prompt-tuning adapter's settings (Lester et al. 2021, https://arxiv.org/abs/2104.08691), as Hugging
 * Face PEFT's {@code PromptTuningConfig} and under its JSON names: the shared {@link PromptLearningConfig}
 * sizes, {@code prompt_tuning_init} ({@link Init}), {@code prompt_tuning_init_text} and
 * {@code tokenizer_name_or_path} (both required by PEFT for TEXT). PEFT's {@code tokenizer_kwargs} is
 * rejected when read.
 */
public record PromptTuningConfig(PromptLearningConfig sizes, Init init, String initText, String tokenizerNameOrPath,
        String baseModelNameOrPath, TaskType taskType, boolean inferenceMode) implements AdapterConfig {

    /** PEFT's {@code PromptTuningInit}: how the virtual-token embeddings start. */
    public enum Init {
        /** Standard normal values (nn.Embedding's own initialisation). */
        RANDOM,
        /** The embeddings of the tokens of {@code prompt_tuning_init_text}, repeated or cut to P. */
        TEXT,
        /** The embeddings of P tokens drawn uniformly from the vocabulary. */
        SAMPLE_VOCAB
    }

    public PromptTuningConfig {
        if (sizes == null || init == null) {
            throw new IllegalArgumentException("prompt tuning needs its sizes and prompt_tuning_init");
        }
        if (init == Init.TEXT && (initText == null || tokenizerNameOrPath == null || tokenizerNameOrPath.isEmpty())) {
            throw new IllegalArgumentException("prompt_tuning_init TEXT needs prompt_tuning_init_text and"
                    + " tokenizer_name_or_path (as PEFT requires), got " + initText + " and " + tokenizerNameOrPath);
        }
    }

    /** P virtual tokens for {@code base}, PEFT's defaults otherwise (RANDOM init, CAUSAL_LM). */
    public static PromptTuningConfig of(AdapterBase base, int numVirtualTokens) {
        return new PromptTuningConfig(new PromptLearningConfig(numVirtualTokens, base.hiddenSize(), base.layers(),
                base.heads()), Init.RANDOM, null, null, null, TaskType.CAUSAL_LM, false);
    }

    /** Text initialisation from {@code text} as tokenised by the tokenizer at {@code tokenizer}. */
    public PromptTuningConfig withTextInit(String text, String tokenizer) {
        return new PromptTuningConfig(sizes, Init.TEXT, text, tokenizer, baseModelNameOrPath, taskType, inferenceMode);
    }

    public PromptTuningConfig withInit(Init value) {
        return new PromptTuningConfig(sizes, value, initText, tokenizerNameOrPath, baseModelNameOrPath, taskType,
                inferenceMode);
    }

    public PromptTuningConfig withBaseModel(String nameOrPath) {
        return new PromptTuningConfig(sizes, init, initText, tokenizerNameOrPath, nameOrPath, taskType, inferenceMode);
    }

    public PromptTuningConfig withTaskType(TaskType value) {
        return new PromptTuningConfig(sizes, init, initText, tokenizerNameOrPath, baseModelNameOrPath, value,
                inferenceMode);
    }

    @Override
    public String peftType() {
        return "PROMPT_TUNING";
    }

    /** Prompt tuning wraps no modules (PEFT has no target_modules for it): null. */
    @Override
    public TargetModules targetModules() {
        return null;
    }

    public int numVirtualTokens() {
        return sizes.numVirtualTokens();
    }

    /** Every field PEFT writes for a prompt-tuning adapter. */
    public ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        PeftConfigJson.putCommon(o, "PROMPT_TUNING", taskType, baseModelNameOrPath, inferenceMode);
        sizes.putInto(o);
        o.put("prompt_tuning_init", init.name());
        o.put("prompt_tuning_init_text", initText);
        o.putNull("tokenizer_kwargs");
        o.put("tokenizer_name_or_path", tokenizerNameOrPath);
        return o;
    }

    public String toJsonString() {
        return PeftJson.write(toJson());
    }

    public static PromptTuningConfig read(Path file) throws IOException {
        return fromJson(PeftConfigJson.readObject(file), file.toString());
    }

    public static PromptTuningConfig fromJson(JsonNode root, String where) {
        PeftConfigJson.requireType(root, where, "PROMPT_TUNING");
        PeftConfigJson.rejectIfSet(root, where, "tokenizer_kwargs", "prompt tuning");
        String initName = root.path("prompt_tuning_init").asText("RANDOM");
        Init init;
        try {
            init = Init.valueOf(initName);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": prompt_tuning_init '" + initName + "' is not one of RANDOM,"
                    + " TEXT, SAMPLE_VOCAB", e);
        }
        JsonNode text = root.get("prompt_tuning_init_text");
        JsonNode tok = root.get("tokenizer_name_or_path");
        try {
            return new PromptTuningConfig(PromptLearningConfig.fromJson(root, where), init,
                    text == null || text.isNull() ? null : text.asText(), tok == null || tok.isNull() ? null : tok.asText(),
                    PeftConfigJson.baseModel(root), PeftConfigJson.taskType(root, where),
                    root.path("inference_mode").asBoolean(false));
        } catch (IllegalArgumentException e) {
            throw e.getMessage().startsWith(where) ? e : new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }
}
