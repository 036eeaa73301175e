package dev.lathe.models.generate;

import dev.lathe.models.CausalLanguageModel;
import dev.lathe.models.KvCache;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The per-step unit of batched generation: the sequences currently decoding together on one model.
 * {@link #add} prefills a sequence and lets it join; {@link #step} advances every member by one token
 * with a single {@link CausalLanguageModel#decodeBatch} call, each with its own parameters, RNG and stop
 * rules, and drops the ones that finished. Members may join and leave at any step, so a server can build
 * continuous batching on this. Not thread-safe: drive it from one thread.
 */
public final class BatchStep {
    private final CausalLanguageModel model;
    private final SamplingScratch scratch;
    private final List<SequenceState> active = new ArrayList<>();

    public BatchStep(CausalLanguageModel model) {
        this.model = model;
        this.scratch = new SamplingScratch(model.vocabSize());
    }

    /**
     * Prefills {@code sequence} (sampling its first token) and adds it to the batch.
     *
     * @return true when it joined; false when it finished already (cancelled, one token, EOS or stop)
     */
    public boolean add(SequenceState sequence) {
        if (sequence.model() != model) {
            throw new IllegalArgumentException("the sequence was created for another model than this batch's");
        }
        if (sequence.prefilled()) {
            throw new IllegalArgumentException("the sequence was already prefilled or finished");
        }
        sequence.prefill(scratch);
        if (sequence.isFinished()) {
            return false;
        }
        active.add(sequence);
        return true;
    }

    /**
     * Advances every member by one token: members whose cancellation was requested finish first (no
     * model work for them), the rest decode together. Returns the members that finished in this step;
     * they have left the batch.
     */
    public List<SequenceState> step() {
        List<SequenceState> finished = new ArrayList<>();
        active.removeIf(s -> {
            if (s.checkCancelled()) {
                finished.add(s);
                return true;
            }
            return false;
        });
        int b = active.size();
        if (b == 0) {
            return finished;
        }
        int[] tokens = new int[b]; // (B)
        KvCache[] caches = new KvCache[b];
        float[][] logits = new float[b][]; // (B, V), each row the sequence's own buffer
        for (int i = 0; i < b; i++) {
            SequenceState s = active.get(i);
            tokens[i] = s.lastToken();
            caches[i] = s.cache();
            logits[i] = s.logits();
        }
        model.decodeBatch(tokens, caches, logits);
        for (SequenceState s : active) {
            s.decoded(scratch);
            if (s.isFinished()) {
                finished.add(s);
            }
        }
        active.removeIf(SequenceState::isFinished);
        return finished;
    }

    /** Runs {@link #step} until every member has finished. */
    public void drain() {
        while (!active.isEmpty()) {
            step();
        }
    }

    /** Takes a member out of the batch without finishing it (e.g. to move it elsewhere). */
    public boolean remove(SequenceState sequence) {
        return active.remove(sequence);
    }

    /** The members, in decode order. */
    public List<SequenceState> active() {
        return Collections.unmodifiableList(active);
    }

    public int size() {
        return active.size();
    }

    public boolean isEmpty() {
        return active.isEmpty();
    }
}
