package dev.lathe.models.generate;

import dev.lathe.models.CausalLanguageModel;
import dev.lathe.models.ContextLengthExceededException;
import dev.lathe.models.KvCache;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * One request in flight: its cache, sampler (own RNG and penalty state), logits buffer, streamed text
 * and stop matching. A {@link BatchStep} prefills it when it joins and feeds it one token of logits per
 * step until it finishes; it can join or leave any step, which is what continuous batching needs.
 *
 * <p>Everything a request can get wrong is checked in the constructor, before any model work: prompt
 * ids, logit-bias ids, stop sequences without a decoder, and the context length (prompt + maxTokens
 * beyond {@link CausalLanguageModel#contextLength()} throws {@link ContextLengthExceededException}, as
 * OpenAI rejects such requests, unless {@link SamplingParams#fitToContext()} asks to lower maxTokens).
 *
 * <p>A request's {@link TokenConstraint} masks the logits before every draw (before bias and
 * penalties, so neither can revive a forbidden token); stop and EOS ids stay allowed only while the
 * constraint is complete, and a complete constraint that cannot grow ends the sequence with
 * {@link FinishReason#STOP} right after its last token.
 */
public final class SequenceState {
    private final CausalLanguageModel model;
    private final int[] prompt;
    private final SamplingParams params;
    private final int maxTokens;
    private final TokenListener listener;
    private final CancellationToken cancellation;
    private final Sampler sampler;
    private final IncrementalDetokenizer detokenizer; // null without a decoder
    private final TokenConstraint constraint; // null when any token may follow
    private final int[] endIds; // stop and (unless ignoreEos) EOS ids in the vocabulary: allowed only when complete
    private final float[] endLogits; // (endIds) their logits while the constraint masks
    private final StopMatcher stops;
    private final float[] logits; // (V)
    private final int[] output;
    private int outputCount;
    private final List<TokenLogprobs> logprobs = new ArrayList<>();
    private final StringBuilder text = new StringBuilder();
    private KvCache cache;
    private FinishReason finish;
    private long prefillNanos;
    private long decodeStart;
    private long decodeNanos;
    private int decodeSteps;

    /**
     * @param decoder turns ids into text; may be null when the request needs no text and no stop sequences
     * @throws ContextLengthExceededException when prompt + maxTokens does not fit and fitToContext is off
     */
    public SequenceState(CausalLanguageModel model, GenerationRequest request, TokenDecoder decoder) {
        this.model = model;
        this.prompt = request.promptIds().clone();
        this.params = request.params();
        this.listener = request.listener();
        this.cancellation = request.cancellation();
        int vocab = model.vocabSize();
        if (prompt.length == 0) {
            throw new IllegalArgumentException("promptIds must hold at least one token (e.g. BOS), got none");
        }
        for (int i = 0; i < prompt.length; i++) {
            if (prompt[i] < 0 || prompt[i] >= vocab) {
                throw new IllegalArgumentException("promptIds[" + i + "] = " + prompt[i]
                        + " is outside the vocabulary [0, " + vocab + ")");
            }
        }
        if (decoder == null && !params.stop().isEmpty()) {
            throw new IllegalArgumentException("stop sequences " + params.stop() + " need a TokenDecoder");
        }
        int context = model.contextLength();
        int requested = prompt.length + params.maxTokens();
        if (requested > context) {
            if (!params.fitToContext() || prompt.length >= context) {
                throw new ContextLengthExceededException(params.fitToContext() ? prompt.length + 1 : requested,
                        context);
            }
            maxTokens = context - prompt.length;
        } else {
            maxTokens = params.maxTokens();
        }
        this.sampler = new Sampler(params, vocab, prompt, maxTokens);
        this.detokenizer = decoder == null ? null : new IncrementalDetokenizer(decoder, prompt, maxTokens);
        this.stops = new StopMatcher(params.stop());
        this.logits = new float[vocab];
        this.output = new int[maxTokens];
        this.constraint = request.constraint();
        this.endIds = IntStream.concat(params.stopTokenIds().stream().mapToInt(Integer::intValue),
                params.ignoreEos() ? IntStream.empty()
                        : params.eosTokenIds().stream().mapToInt(Integer::intValue))
                .filter(id -> id < vocab).distinct().toArray();
        this.endLogits = new float[endIds.length];
    }

    /** Runs the prompt through the model and samples the first token (or finishes if cancelled). */
    void prefill(SamplingScratch scratch) {
        if (cache != null) {
            throw new IllegalStateException("this sequence was already prefilled");
        }
        if (cancellation.isCancelled()) {
            finish = FinishReason.CANCELLED;
            return;
        }
        long start = System.nanoTime();
        // The last generated token is never fed back, so prompt + maxTokens - 1 positions suffice.
        cache = model.newCache(prompt.length + maxTokens - 1);
        float[] out = model.forward(prompt, cache);
        System.arraycopy(out, 0, logits, 0, logits.length);
        prefillNanos = System.nanoTime() - start;
        decodeStart = System.nanoTime();
        accept(scratch);
    }

    /** Finishes as cancelled if the caller asked; true when it did. */
    boolean checkCancelled() {
        if (finish == null && cancellation.isCancelled()) {
            finish = FinishReason.CANCELLED;
            decodeNanos = System.nanoTime() - decodeStart;
        }
        return finish == FinishReason.CANCELLED;
    }

    /** After a decode step wrote {@link #logits()}: sample, stream, and check for the finish. */
    void decoded(SamplingScratch scratch) {
        decodeSteps++;
        accept(scratch);
    }

    private void accept(SamplingScratch scratch) {
        if (constraint != null && !constrain()) {
            // Nothing may follow and the sequence cannot end on a token: stop here, without a token.
            finish = FinishReason.STOP;
            decodeNanos = System.nanoTime() - decodeStart;
            text.append(flushText());
            return;
        }
        int token = sampler.sample(logits, scratch);
        TokenLogprobs lp = params.logprobs() ? sampler.logprobs(logits, token, scratch) : null;
        output[outputCount++] = token;
        if (lp != null) {
            logprobs.add(lp);
        }
        String delta = "";
        if (params.stopTokenIds().contains(token)) {
            finish = FinishReason.STOP;
        } else if (!params.ignoreEos() && params.eosTokenIds().contains(token)) {
            finish = FinishReason.EOS;
        } else {
            if (constraint != null) {
                constraint.advance(token);
            }
            if (detokenizer != null) {
                delta = stops.accept(detokenizer.push(token));
                if (stops.matched()) {
                    finish = FinishReason.STOP;
                }
            }
        }
        if (finish == null && constraint != null && constraint.isComplete() && !constraint.canContinue()) {
            finish = FinishReason.STOP;
        }
        if (finish == null && outputCount == maxTokens) {
            finish = FinishReason.LENGTH;
        }
        if (finish != null && !stops.matched()) {
            delta += flushText();
        }
        if (finish != null) {
            decodeNanos = System.nanoTime() - decodeStart;
        }
        text.append(delta);
        listener.onToken(token, delta, lp);
    }

    /**
     * Applies the constraint to {@link #logits}: its mask, then the end ids allowed only when it is
     * complete. Returns false when no token at all is left to draw.
     */
    private boolean constrain() {
        boolean endAllowed = constraint.isComplete();
        for (int i = 0; i < endIds.length; i++) {
            endLogits[i] = logits[endIds[i]];
        }
        constraint.maskLogits(logits);
        for (int i = 0; i < endIds.length; i++) {
            logits[endIds[i]] = endAllowed ? endLogits[i] : Float.NEGATIVE_INFINITY;
        }
        for (float l : logits) {
            if (l != Float.NEGATIVE_INFINITY) {
                return true;
            }
        }
        return false;
    }

    /** The ending text still held: incomplete characters, then a stop prefix that never completed. */
    private String flushText() {
        if (detokenizer == null) {
            return "";
        }
        String out = stops.accept(detokenizer.flush());
        if (stops.matched()) {
            finish = FinishReason.STOP;
            return out;
        }
        return out + stops.flush();
    }

    /** The token the next decode step feeds: the last one sampled. */
    int lastToken() {
        return output[outputCount - 1];
    }

    KvCache cache() {
        return cache;
    }

    /** The buffer (V) a decode step writes this sequence's next-token logits into. */
    float[] logits() {
        return logits;
    }

    CausalLanguageModel model() {
        return model;
    }

    boolean prefilled() {
        return cache != null || finish != null;
    }

    public boolean isFinished() {
        return finish != null;
    }

    /** Why it finished, or null while it runs. */
    public FinishReason finishReason() {
        return finish;
    }

    /** Tokens generated so far. */
    public int completionTokens() {
        return outputCount;
    }

    /** The generation so far (final once {@link #isFinished()}). */
    public Generation result() {
        return new Generation(Arrays.copyOf(output, outputCount), text.toString(), finish, logprobs, prompt.length,
                outputCount, prefillNanos / 1e6, decodeNanos / 1e6, decodeSteps);
    }
}
