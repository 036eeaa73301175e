package dev.lathe.eval.harness;

import dev.lathe.models.generate.SamplingParams;
import dev.lathe.models.load.LoadedModel;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The decoding settings of an evaluation, fixed and recorded: unlike {@code lathe generate}, the
 * model's generation_config.json does NOT apply (a sampling default there would make scores
 * irreproducible). Greedy unless a temperature is given; the seed matters only when sampling, and each
 * example draws from its own generator seeded with {@code seed + example index}, so results do not depend
 * on the batch size.
 *
 * @param maxTokens most tokens generated per example (lowered to fit the context)
 * @param temperature 0 = greedy
 * @param seed base seed
 * @param batchSize examples decoded together
 * @param stop stop sequences (not part of the output), e.g. a newline for one-line answers
 */
public record Decoding(int maxTokens, float temperature, long seed, int batchSize, List<String> stop) {
    public static final int DEFAULT_MAX_TOKENS = 128;
    public static final long DEFAULT_SEED = 0;
    public static final int DEFAULT_BATCH = 8;

    public Decoding {
        if (maxTokens < 1) {
            throw new IllegalArgumentException("--max-tokens must be at least 1, got " + maxTokens);
        }
        if (!(temperature >= 0) || !Float.isFinite(temperature)) {
            throw new IllegalArgumentException("--temperature must be finite and >= 0, got " + temperature);
        }
        stop = List.copyOf(stop);
        if (batchSize < 1) {
            throw new IllegalArgumentException("--batch-size must be at least 1, got " + batchSize);
        }
    }

    /** The parameters for example {@code index} of {@code model}: its EOS ids, nothing else of its defaults. */
    public SamplingParams params(LoadedModel model, int index) {
        return SamplingParams.builder().maxTokens(maxTokens).temperature(temperature).seed(seed + index)
                .eosTokenIds(model.eosTokenIds()).stop(stop).fitToContext(true).build();
    }

    /** The settings as recorded in reports. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("decoding", temperature == 0 ? "greedy" : "sampling");
        m.put("max_tokens", maxTokens);
        m.put("temperature", temperature);
        m.put("seed", seed);
        m.put("batch_size", batchSize);
        m.put("stop", stop);
        return m;
    }
}
