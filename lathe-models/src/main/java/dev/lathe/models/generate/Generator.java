package dev.lathe.models.generate;

import dev.lathe.models.CausalLanguageModel;
import java.util.ArrayList;
import java.util.List;

/**
 * Generates text from a {@link CausalLanguageModel}: prefill the prompt, then sample and decode one
 * token at a time until a stop sequence or id, EOS, max tokens or cancellation. One request runs as a
 * batch of one, so single and batched generation share every line of the loop; decode steps go through
 * {@link CausalLanguageModel#decodeBatch} into each sequence's preallocated logits buffer, so the loop
 * allocates no vocabulary-sized array per token.
 *
 * <p>Requests are validated before any model work (see {@link SequenceState}); a prompt that with
 * maxTokens overflows the context throws {@link dev.lathe.models.ContextLengthExceededException}
 * unless {@link SamplingParams#fitToContext()} is set.
 */
public final class Generator {
    private final TokenDecoder decoder;

    /** @param decoder turns ids into text; null to generate ids only (then no stop sequences) */
    public Generator(TokenDecoder decoder) {
        this.decoder = decoder;
    }

    public Generation generate(CausalLanguageModel model, int[] promptIds, SamplingParams params) {
        return generate(model, new GenerationRequest(promptIds, params));
    }

    public Generation generate(CausalLanguageModel model, int[] promptIds, SamplingParams params,
            TokenListener listener) {
        return generate(model, new GenerationRequest(promptIds, params, listener, null));
    }

    public Generation generate(CausalLanguageModel model, int[] promptIds, SamplingParams params,
            TokenListener listener, CancellationToken cancellation) {
        return generate(model, new GenerationRequest(promptIds, params, listener, cancellation));
    }

    public Generation generate(CausalLanguageModel model, GenerationRequest request) {
        return generateBatch(model, List.of(request)).getFirst();
    }

    /**
     * Runs several requests together: each is prefilled on its own, then all decode in lockstep with
     * one {@code decodeBatch} per step, each with its own parameters, RNG and stop rules, leaving the
     * batch as it finishes. Results come in request order and equal what separate runs give (same seeds).
     * Every request is validated before any runs.
     */
    public List<Generation> generateBatch(CausalLanguageModel model, List<GenerationRequest> requests) {
        List<SequenceState> states = new ArrayList<>(requests.size());
        for (GenerationRequest r : requests) {
            states.add(newSequence(model, r));
        }
        BatchStep batch = new BatchStep(model);
        for (SequenceState s : states) {
            batch.add(s);
        }
        batch.drain();
        List<Generation> out = new ArrayList<>(states.size());
        for (SequenceState s : states) {
            out.add(s.result());
        }
        return out;
    }

    /** A validated sequence for this generator's decoder, ready to {@link BatchStep#add join} a batch. */
    public SequenceState newSequence(CausalLanguageModel model, GenerationRequest request) {
        return new SequenceState(model, request, decoder);
    }
}
