package dev.lathe.models.generate;

import java.util.List;

/**
 * The log-probability of a sampled token and the {@code topLogprobs} most likely alternatives, most
 * likely first (ties toward the lower id). The distribution is the log-softmax of the logits after
 * logit bias and penalties, before temperature and top-k/top-p/min-p (vLLM's "processed logprobs"): it
 * covers the whole vocabulary, so every sampled token has a finite logprob even under truncation or
 * greedy decoding.
 */
public record TokenLogprobs(int tokenId, float logprob, List<Logprob> top) {
    public TokenLogprobs {
        top = List.copyOf(top);
    }
}
