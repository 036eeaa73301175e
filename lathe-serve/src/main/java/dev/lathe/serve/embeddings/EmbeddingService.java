package dev.lathe.serve.embeddings;

import dev.lathe.models.ContextLengthExceededException;
import dev.lathe.models.family.DecoderModel;
import dev.lathe.models.family.bert.BertModel;
import dev.lathe.models.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Sentence embeddings for OpenAI's {@code /v1/embeddings}, over either kind of model:
 * <ul>
 *   <li>BERT family ({@link #bert}): sentence-transformers' recipe, mean pooling over the attention
 *       mask then L2 normalisation ({@link BertModel#sentenceEmbeddings}); inputs are batched, padded
 *       and masked, which leaves each vector as if it were embedded alone;
 *   <li>decoder models ({@link #decoder}): the final hidden states averaged over every position
 *       ({@link DecoderModel#meanPooledHiddenState}), then L2 normalised.
 * </ul>
 * Inputs longer than the model's context are refused ({@link ContextLengthExceededException}), never
 * truncated silently. {@code dimensions} shortens vectors (keep the first n, re-normalise) only for
 * models declared shortenable (trained Matryoshka-style, like OpenAI's text-embedding-3): cutting
 * any other model's vector just loses information, so it is an error naming the parameter.
 *
 * <p>Calls are serialised: one request's batch at a time per service.
 */
public final class EmbeddingService {
    public static final String DIMENSIONS_PARAM = "dimensions";
    private static final int BERT_BATCH = 16;

    /** The model behind the service: ids in, unit vectors out. */
    private interface Encoder {
        float[][] embed(List<int[]> sequences);
    }

    private final String modelName;
    private final Tokenizer tokenizer;
    private final Encoder encoder;
    private final int dimensions;
    private final int maxTokens;
    private final int vocabSize;
    private final boolean shortenable;

    private EmbeddingService(String modelName, Tokenizer tokenizer, Encoder encoder, int dimensions, int maxTokens,
            int vocabSize, boolean shortenable) {
        this.modelName = modelName;
        this.tokenizer = tokenizer;
        this.encoder = encoder;
        this.dimensions = dimensions;
        this.maxTokens = maxTokens;
        this.vocabSize = vocabSize;
        this.shortenable = shortenable;
    }

    /**
     * A BERT-family sentence embedder (all-MiniLM-L6-v2 and the like).
     *
     * @param shortenable whether the model was trained so that prefixes of its vectors are embeddings too
     */
    public static EmbeddingService bert(String modelName, BertModel model, Tokenizer tokenizer, boolean shortenable) {
        int pad = model.config().padTokenId().orElse(0);
        Encoder encoder = sequences -> {
            float[][] out = new float[sequences.size()][];
            for (int from = 0; from < sequences.size(); from += BERT_BATCH) {
                int to = Math.min(sequences.size(), from + BERT_BATCH);
                int t = 0;
                for (int i = from; i < to; i++) {
                    t = Math.max(t, sequences.get(i).length);
                }
                int[][] ids = new int[to - from][t];
                int[][] mask = new int[to - from][t];
                for (int i = from; i < to; i++) {
                    int[] s = sequences.get(i);
                    Arrays.fill(ids[i - from], pad);
                    System.arraycopy(s, 0, ids[i - from], 0, s.length);
                    Arrays.fill(mask[i - from], 0, s.length, 1);
                }
                float[][] batch = model.sentenceEmbeddings(ids, mask, null);
                System.arraycopy(batch, 0, out, from, batch.length);
            }
            return out;
        };
        return new EmbeddingService(modelName, tokenizer, encoder, model.config().hiddenSize(),
                model.config().maxPositionEmbeddings(), model.config().vocabSize(), shortenable);
    }

    /** A decoder model as an embedder: mean-pooled final hidden states, L2 normalised. */
    public static EmbeddingService decoder(String modelName, DecoderModel model, Tokenizer tokenizer,
            boolean shortenable) {
        Encoder encoder = sequences -> {
            float[][] out = new float[sequences.size()][];
            for (int i = 0; i < out.length; i++) {
                out[i] = normalised(model.meanPooledHiddenState(sequences.get(i)), Integer.MAX_VALUE);
            }
            return out;
        };
        return new EmbeddingService(modelName, tokenizer, encoder, model.config().hiddenSize(), model.contextLength(),
                model.vocabSize(), shortenable);
    }

    /** Length of the model's vectors. */
    public int dimensions() {
        return dimensions;
    }

    public String modelName() {
        return modelName;
    }

    /**
     * Embeds every input.
     *
     * @param dimensions OpenAI's {@code dimensions}, or null for the model's full length
     * @throws EmbeddingParameterException naming {@code input} or {@code dimensions}
     * @throws ContextLengthExceededException when an input has more tokens than the model takes
     */
    public synchronized Embeddings embed(EmbeddingInput input, Integer dimensions) {
        int keep = checkDimensions(dimensions);
        List<int[]> sequences = new ArrayList<>();
        switch (input) {
            case EmbeddingInput.Texts t -> t.texts().forEach(s -> sequences.add(tokenizer.encode(s, true)));
            case EmbeddingInput.Tokens t -> {
                for (int i = 0; i < t.sequences().size(); i++) {
                    int[] ids = t.sequences().get(i);
                    for (int j = 0; j < ids.length; j++) {
                        if (ids[j] >= vocabSize) {
                            throw new EmbeddingParameterException(EmbeddingInput.PARAM, "input[" + i + "][" + j + "] = "
                                    + ids[j] + " is outside " + modelName + "'s vocabulary [0, " + vocabSize + ")");
                        }
                    }
                    sequences.add(ids);
                }
            }
        }
        int tokens = 0;
        for (int[] s : sequences) {
            if (s.length == 0) {
                throw new EmbeddingParameterException(EmbeddingInput.PARAM, "an input tokenized to no tokens");
            }
            if (s.length > maxTokens) {
                throw new ContextLengthExceededException(s.length, maxTokens);
            }
            tokens += s.length;
        }
        float[][] vectors = encoder.embed(sequences);
        List<float[]> out = new ArrayList<>(vectors.length);
        for (float[] v : vectors) {
            out.add(keep == this.dimensions ? v : normalised(v, keep));
        }
        return new Embeddings(out, tokens);
    }

    private int checkDimensions(Integer requested) {
        if (requested == null) {
            return dimensions;
        }
        if (requested < 1 || requested > dimensions) {
            throw new EmbeddingParameterException(DIMENSIONS_PARAM, "must be between 1 and " + dimensions + " for "
                    + modelName + ", got " + requested);
        }
        if (requested != dimensions && !shortenable) {
            throw new EmbeddingParameterException(DIMENSIONS_PARAM, modelName + " does not support shortened"
                    + " embeddings (its vectors were not trained to be cut); omit 'dimensions' or pass " + dimensions);
        }
        return requested;
    }

    /** The first {@code keep} entries of {@code v}, scaled to unit length (x / max(||x||, 1e-12), as torch). */
    static float[] normalised(float[] v, int keep) {
        int n = Math.min(keep, v.length);
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += (double) v[i] * v[i];
        }
        float scale = (float) (1.0 / Math.max(Math.sqrt(sum), 1e-12));
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = v[i] * scale;
        }
        return out;
    }
}
