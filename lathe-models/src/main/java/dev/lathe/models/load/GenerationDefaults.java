package dev.lathe.models.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.models.generate.SamplingParams;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The sampling a model's authors chose, from its {@code generation_config.json}, read as Hugging Face's
 * {@code generate()} reads it: without {@code do_sample: true} decoding is greedy (whatever temperature
 * the file states); with it, the file's temperature, top-k and top-p apply, defaulting to HF's 1.0, 50
 * and 1.0. Null fields were not in the file.
 */
public record GenerationDefaults(Boolean doSample, Float temperature, Integer topK, Float topP,
        Float repetitionPenalty, Integer maxNewTokens) {
    /** A model without generation_config.json: greedy, as Hugging Face. */
    public static final GenerationDefaults NONE = new GenerationDefaults(null, null, null, null, null, null);

    /** Reads {@code dir/generation_config.json}; {@link #NONE} when there is none. */
    public static GenerationDefaults read(Path dir) throws IOException {
        Path file = dir.resolve("generation_config.json");
        if (!Files.isRegularFile(file)) {
            return NONE;
        }
        JsonNode n;
        try {
            n = new ObjectMapper().readTree(file.toFile());
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IllegalArgumentException(file + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
        return new GenerationDefaults(
                n.hasNonNull("do_sample") ? n.get("do_sample").asBoolean() : null,
                number(n, "temperature", file), n.hasNonNull("top_k") ? (int) number(n, "top_k", file).floatValue() : null,
                number(n, "top_p", file), number(n, "repetition_penalty", file),
                n.hasNonNull("max_new_tokens") ? (int) number(n, "max_new_tokens", file).floatValue() : null);
    }

    private static Float number(JsonNode n, String field, Path file) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber()) {
            throw new IllegalArgumentException(file + ": field '" + field + "' must be a number, got " + v);
        }
        return v.floatValue();
    }

    /** Whether these defaults sample (else greedy). */
    public boolean samples() {
        return Boolean.TRUE.equals(doSample);
    }

    /** A builder holding these defaults (the caller's options then override them). */
    public SamplingParams.Builder toBuilder() {
        SamplingParams.Builder b = SamplingParams.builder();
        if (samples()) {
            b.temperature(temperature == null ? 1f : temperature);
            b.topK(topK == null ? 50 : topK);
            b.topP(topP == null ? 1f : topP);
        } else {
            b.temperature(0);
        }
        if (repetitionPenalty != null) {
            b.repetitionPenalty(repetitionPenalty);
        }
        if (maxNewTokens != null) {
            b.maxTokens(maxNewTokens);
        }
        return b;
    }

    /** One line for {@code lathe models info}. */
    public String describe() {
        if (!samples()) {
            return "greedy" + (maxNewTokens == null ? "" : ", max_new_tokens " + maxNewTokens);
        }
        return "sampling: temperature " + (temperature == null ? 1f : temperature) + ", top_k "
                + (topK == null ? 50 : topK) + ", top_p " + (topP == null ? 1f : topP)
                + (repetitionPenalty == null ? "" : ", repetition_penalty " + repetitionPenalty)
                + (maxNewTokens == null ? "" : ", max_new_tokens " + maxNewTokens);
    }
}
