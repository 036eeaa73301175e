package dev.lathe.models.generate;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How to pick each token of one request, with OpenAI/vLLM names and meanings. Build with {@link
 * #builder()}; every value is validated here, with an error naming the parameter and the value
 * (token ids are checked against the vocabulary when generation starts).
 *
 * <p>Processing order per step (HF/vLLM): logit bias, repetition penalty, frequency/presence
 * penalties, temperature, top-k, top-p, min-p, then the draw.
 *
 * @param maxTokens most tokens to generate, at least 1 (default 16, as OpenAI)
 * @param temperature divides the logits; 0 means greedy (argmax, lowest id on ties)
 * @param topK keep exactly the k most likely tokens (ties toward the lower id); 0 disables
 * @param topP keep the smallest most-likely set whose probability reaches topP, in (0, 1]; 1 disables
 * @param minP drop tokens less likely than minP times the most likely one, in [0, 1]; 0 disables
 * @param repetitionPenalty HF/CTRL: over tokens seen in the prompt or output, positive logits are
 *     divided by it and negative ones multiplied; &gt; 0, 1 disables
 * @param frequencyPenalty OpenAI: {@code logit -= frequencyPenalty * count} over generated tokens, in [-2, 2]
 * @param presencePenalty OpenAI: {@code logit -= presencePenalty} once per generated token, in [-2, 2]
 * @param logitBias added to the logits of the given token ids, each in [-100, 100]
 * @param seed same seed, same output (a SplittableRandom per request); null draws a random seed
 * @param stop stop sequences matched on the generated text, across token boundaries; not emitted
 * @param stopTokenIds token ids that end the sequence with {@link FinishReason#STOP}
 * @param eosTokenIds end-of-sequence ids that end it with {@link FinishReason#EOS}
 * @param ignoreEos keep generating past EOS ids (stop ids and sequences still apply)
 * @param logprobs report the sampled token's logprob
 * @param topLogprobs also report this many most likely alternatives, 0 to 20 (needs logprobs)
 * @param fitToContext when prompt + maxTokens exceeds the model context, lower maxTokens to fit
 *     instead of failing with {@link dev.lathe.models.ContextLengthExceededException}
 */
public record SamplingParams(int maxTokens, float temperature, int topK, float topP, float minP,
        float repetitionPenalty, float frequencyPenalty, float presencePenalty, Map<Integer, Float> logitBias,
        Long seed, List<String> stop, Set<Integer> stopTokenIds, Set<Integer> eosTokenIds, boolean ignoreEos,
        boolean logprobs, int topLogprobs, boolean fitToContext) {

    /** The most alternatives {@code topLogprobs} may ask for (OpenAI's limit). */
    public static final int MAX_TOP_LOGPROBS = 20;

    public SamplingParams {
        require(maxTokens >= 1, "maxTokens", maxTokens, "must be at least 1");
        require(temperature >= 0 && Float.isFinite(temperature), "temperature", temperature,
                "must be finite and >= 0 (0 = greedy)");
        require(topK >= 0, "topK", topK, "must be >= 0 (0 = disabled)");
        require(topP > 0 && topP <= 1, "topP", topP, "must be in (0, 1] (1 = disabled)");
        require(minP >= 0 && minP <= 1, "minP", minP, "must be in [0, 1] (0 = disabled)");
        require(repetitionPenalty > 0 && Float.isFinite(repetitionPenalty), "repetitionPenalty", repetitionPenalty,
                "must be finite and > 0 (1 = disabled)");
        require(frequencyPenalty >= -2 && frequencyPenalty <= 2, "frequencyPenalty", frequencyPenalty,
                "must be in [-2, 2]");
        require(presencePenalty >= -2 && presencePenalty <= 2, "presencePenalty", presencePenalty,
                "must be in [-2, 2]");
        logitBias = Map.copyOf(logitBias);
        for (Map.Entry<Integer, Float> e : logitBias.entrySet()) {
            require(e.getKey() >= 0, "logitBias", e.getKey(), "token ids must be >= 0");
            float b = e.getValue();
            require(b >= -100 && b <= 100, "logitBias[" + e.getKey() + "]", b, "must be in [-100, 100]");
        }
        stop = List.copyOf(stop);
        for (String s : stop) {
            require(!s.isEmpty(), "stop", "\"\"", "sequences must not be empty");
        }
        stopTokenIds = Set.copyOf(stopTokenIds);
        for (int id : stopTokenIds) {
            require(id >= 0, "stopTokenIds", id, "ids must be >= 0");
        }
        eosTokenIds = Set.copyOf(eosTokenIds);
        for (int id : eosTokenIds) {
            require(id >= 0, "eosTokenIds", id, "ids must be >= 0");
        }
        require(topLogprobs >= 0 && topLogprobs <= MAX_TOP_LOGPROBS, "topLogprobs", topLogprobs,
                "must be in [0, " + MAX_TOP_LOGPROBS + "]");
        require(topLogprobs == 0 || logprobs, "topLogprobs", topLogprobs, "needs logprobs = true");
    }

    private static void require(boolean ok, String name, Object value, String rule) {
        if (!ok) {
            throw new IllegalArgumentException(name + " " + rule + ", got " + value);
        }
    }

    /** Greedy decoding of up to {@code maxTokens} tokens. */
    public static SamplingParams greedy(int maxTokens) {
        return builder().temperature(0).maxTokens(maxTokens).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.maxTokens = maxTokens;
        b.temperature = temperature;
        b.topK = topK;
        b.topP = topP;
        b.minP = minP;
        b.repetitionPenalty = repetitionPenalty;
        b.frequencyPenalty = frequencyPenalty;
        b.presencePenalty = presencePenalty;
        b.logitBias = logitBias;
        b.seed = seed;
        b.stop = stop;
        b.stopTokenIds = stopTokenIds;
        b.eosTokenIds = eosTokenIds;
        b.ignoreEos = ignoreEos;
        b.logprobs = logprobs;
        b.topLogprobs = topLogprobs;
        b.fitToContext = fitToContext;
        return b;
    }

    /** Builds {@link SamplingParams}; unset values keep their disabled defaults (temperature 1, 16 tokens). */
    public static final class Builder {
        private int maxTokens = 16;
        private float temperature = 1f;
        private int topK;
        private float topP = 1f;
        private float minP;
        private float repetitionPenalty = 1f;
        private float frequencyPenalty;
        private float presencePenalty;
        private Map<Integer, Float> logitBias = Map.of();
        private Long seed;
        private List<String> stop = List.of();
        private Set<Integer> stopTokenIds = Set.of();
        private Set<Integer> eosTokenIds = Set.of();
        private boolean ignoreEos;
        private boolean logprobs;
        private int topLogprobs;
        private boolean fitToContext;

        private Builder() {}

        public Builder maxTokens(int v) {
            maxTokens = v;
            return this;
        }

        public Builder temperature(float v) {
            temperature = v;
            return this;
        }

        public Builder topK(int v) {
            topK = v;
            return this;
        }

        public Builder topP(float v) {
            topP = v;
            return this;
        }

        public Builder minP(float v) {
            minP = v;
            return this;
        }

        public Builder repetitionPenalty(float v) {
            repetitionPenalty = v;
            return this;
        }

        public Builder frequencyPenalty(float v) {
            frequencyPenalty = v;
            return this;
        }

        public Builder presencePenalty(float v) {
            presencePenalty = v;
            return this;
        }

        public Builder logitBias(Map<Integer, Float> v) {
            logitBias = v;
            return this;
        }

        public Builder seed(Long v) {
            seed = v;
            return this;
        }

        public Builder stop(List<String> v) {
            stop = v;
            return this;
        }

        public Builder stop(String... v) {
            stop = List.of(v);
            return this;
        }

        public Builder stopTokenIds(Set<Integer> v) {
            stopTokenIds = v;
            return this;
        }

        public Builder eosTokenIds(Set<Integer> v) {
            eosTokenIds = v;
            return this;
        }

        public Builder ignoreEos(boolean v) {
            ignoreEos = v;
            return this;
        }

        public Builder logprobs(boolean v) {
            logprobs = v;
            return this;
        }

        /** Sets topLogprobs and turns logprobs on when it is positive. */
        public Builder topLogprobs(int v) {
            topLogprobs = v;
            logprobs |= v > 0;
            return this;
        }

        public Builder fitToContext(boolean v) {
            fitToContext = v;
            return this;
        }

        public SamplingParams build() {
            return new SamplingParams(maxTokens, temperature, topK, topP, minP, repetitionPenalty, frequencyPenalty,
                    presencePenalty, logitBias, seed, stop, stopTokenIds, eosTokenIds, ignoreEos, logprobs,
                    topLogprobs, fitToContext);
        }
    }
}
