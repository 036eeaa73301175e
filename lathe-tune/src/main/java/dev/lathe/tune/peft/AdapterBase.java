package dev.lathe.tune.peft;

import dev.lathe.engine.tensor.Tensor;
import dev.lathe.models.family.DecoderModel;
import dev.lathe.models.family.DecoderWeights;
import dev.lathe.models.family.LinearHook.Projection;
import dev.lathe.models.family.bert.BertModel;
import java.util.ArrayList;
import java.util.List;

/**
 * The model a PEFT adapter sits on, as every method needs to see it: its linear modules under their Hugging
 * Face paths (which {@code target_modules} match and saved tensor names contain), the linear computing each
 * projection, and the attention sizes prompt and prefix tuning need. The adapters themselves are
 * {@link dev.lathe.models.family.LinearHook}s the model's own forward calls; a closed set: decoders and BERT
 * encoders.
 */
public sealed interface AdapterBase permits AdapterBase.Decoder, AdapterBase.Bert {

    /** Every linear module of the blocks, block by block, with its path, sizes and projections. */
    List<DecoderModules.Module> modules();

    /** The linear computing projection {@code p} of block {@code layer}. */
    DecoderWeights.Linear linear(int layer, Projection p);

    int layers();

    /** C, the width of token embeddings and hidden states. */
    int hiddenSize();

    /** The number of attention (query) heads. */
    int heads();

    /** The number of key/value heads (prefix tuning's {@code num_attention_heads}). */
    int kvHeads();

    /** D, the width of one attention head. */
    int headDim();

    /** The token embedding table (V, C) (prompt tuning initialises virtual tokens from its rows). */
    Tensor wordEmbeddings();

    /** A decoder ({@link DecoderModules} names: {@code model.layers.<i>.self_attn.q_proj} ...). */
    record Decoder(DecoderModel model) implements AdapterBase {
        @Override
        public List<DecoderModules.Module> modules() {
            return DecoderModules.of(model);
        }

        @Override
        public DecoderWeights.Linear linear(int layer, Projection p) {
            return DecoderModules.linear(model.weights().layers().get(layer), p);
        }

        @Override
        public int layers() {
            return model.weights().layers().size();
        }

        @Override
        public int hiddenSize() {
            return model.config().hiddenSize();
        }

        @Override
        public int heads() {
            return model.architecture().heads();
        }

        @Override
        public int kvHeads() {
            return model.architecture().kvHeads();
        }

        @Override
        public int headDim() {
            return model.architecture().headDim();
        }

        @Override
        public Tensor wordEmbeddings() {
            return model.weights().embed();
        }
    }

    /**
     * A BERT encoder, its modules named as in Hugging Face's {@code BertModel} after {@code pathPrefix}:
     * {@code encoder.layer.<i>.attention.self.query}, {@code .key}, {@code .value},
     * {@code encoder.layer.<i>.attention.output.dense}, {@code encoder.layer.<i>.intermediate.dense} and
     * {@code encoder.layer.<i>.output.dense}. The prefix is "" for a bare {@code BertModel} (PEFT's
     * FEATURE_EXTRACTION) and "bert." inside {@code BertForSequenceClassification} (SEQ_CLS).
     */
    record Bert(BertModel model, String pathPrefix) implements AdapterBase {
        public Bert {
            if (pathPrefix == null || !(pathPrefix.isEmpty() || pathPrefix.endsWith("."))) {
                throw new IllegalArgumentException("BERT module path prefix must be \"\" or end with '.', got '"
                        + pathPrefix + "'");
            }
        }

        /** A bare encoder (module paths start at {@code encoder.}). */
        public Bert(BertModel model) {
            this(model, "");
        }

        private static final String[] NAMES = {"attention.self.query", "attention.self.key", "attention.self.value",
            "attention.output.dense", "intermediate.dense", "output.dense"};
        private static final Projection[] PROJECTIONS = {Projection.Q, Projection.K, Projection.V, Projection.O,
            Projection.UP, Projection.DOWN};

        @Override
        public List<DecoderModules.Module> modules() {
            List<DecoderModules.Module> out = new ArrayList<>();
            for (int i = 0; i < model.layerCount(); i++) {
                for (int j = 0; j < NAMES.length; j++) {
                    DecoderWeights.Linear l = model.linear(i, PROJECTIONS[j]);
                    out.add(new DecoderModules.Module(pathPrefix + "encoder.layer." + i + "." + NAMES[j], i,
                            List.of(PROJECTIONS[j]), l.inFeatures(), l.outFeatures(), false));
                }
            }
            return out;
        }

        @Override
        public DecoderWeights.Linear linear(int layer, Projection p) {
            return model.linear(layer, p);
        }

        @Override
        public int layers() {
            return model.layerCount();
        }

        @Override
        public int hiddenSize() {
            return model.config().hiddenSize();
        }

        @Override
        public int heads() {
            return model.config().numAttentionHeads();
        }

        @Override
        public int kvHeads() {
            return model.config().numAttentionHeads();
        }

        @Override
        public int headDim() {
            return model.config().headDim();
        }

        @Override
        public Tensor wordEmbeddings() {
            return model.parameters().get("embeddings.word_embeddings.weight");
        }
    }
}
