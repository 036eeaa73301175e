package dev.lathe.serve.http;

import dev.lathe.models.generate.SamplingParams;
import dev.lathe.models.load.LoadedModel;
import dev.lathe.serve.openai.OpenAiException;
import dev.lathe.serve.openai.SamplingFields;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns a request's sampling fields into {@link SamplingParams}: the model's own defaults (its
 * generation_config.json) under what the client set, field by field. A field the client leaves out keeps
 * the model authors' choice rather than OpenAI's default (temperature 1), which is what users of a local
 * model expect; a field it sends always wins.
 */
final class Sampling {
    private Sampling() {}

    /**
     * @param defaultMaxTokens max tokens when the client sends none; null = up to the context (chat), then
     *     the request is fitted to the context instead of failing
     * @param chat whether to stop on the model's end-of-turn tokens and strings
     * @param choiceIndex the choice within the request: with a seed, choice i samples with seed + i so that
     *     n choices differ yet the request stays reproducible
     */
    static SamplingParams params(LoadedModel model, SamplingFields f, Integer defaultMaxTokens, boolean chat,
            int choiceIndex) {
        SamplingParams.Builder b = model.samplingDefaults();
        if (f.maxTokens() != null) {
            if (f.maxTokens() < 1) {
                throw OpenAiException.badParam("max_tokens", "max_tokens must be at least 1 on this server (prompt"
                        + " scoring with 0 tokens is not supported), got " + f.maxTokens());
            }
            b.maxTokens(f.maxTokens());
        } else if (defaultMaxTokens != null) {
            b.maxTokens(defaultMaxTokens);
        } else {
            b.maxTokens(model.model().contextLength()).fitToContext(true);
        }
        if (f.temperature() != null) b.temperature(f.temperature());
        if (f.topP() != null) b.topP(f.topP());
        if (f.temperature() != null || f.topP() != null) b.topK(0); // the client's sampling, not the model's top-k
        if (f.seed() != null) b.seed(f.seed() + choiceIndex);
        if (f.presencePenalty() != null) b.presencePenalty(f.presencePenalty());
        if (f.frequencyPenalty() != null) b.frequencyPenalty(f.frequencyPenalty());
        b.logitBias(f.logitBias());
        List<String> stop = new ArrayList<>(f.stop());
        if (chat) {
            Set<Integer> stopIds = new LinkedHashSet<>(model.chatStopTokenIds());
            b.stopTokenIds(stopIds);
            stop.addAll(model.chatStopStrings());
        }
        b.stop(stop);
        if (f.logprobs()) b.logprobs(true).topLogprobs(f.topLogprobs());
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw OpenAiException.badParam(param(e.getMessage()), e.getMessage());
        }
    }

    /** OpenAI's name of the SamplingParams field an error message starts with. */
    private static String param(String message) {
        String first = message == null ? "" : message.split(" ", 2)[0];
        return switch (first) {
            case "maxTokens" -> "max_tokens";
            case "topP" -> "top_p";
            case "frequencyPenalty" -> "frequency_penalty";
            case "presencePenalty" -> "presence_penalty";
            case "topLogprobs" -> "top_logprobs";
            default -> first.startsWith("logitBias") ? "logit_bias" : first;
        };
    }
}
