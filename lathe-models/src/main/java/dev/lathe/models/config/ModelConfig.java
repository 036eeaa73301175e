package dev.lathe.models.config;

import dev.lathe.engine.op.RopeConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;

/**
 * A model's architecture as its Hugging Face {@code config.json} (plus {@code generation_config.json})
 * describes it, with the names of every family normalised (GPT-2's {@code n_embd} is {@link #hiddenSize},
 * {@code layer_norm_epsilon} is {@link #normEps}) and the family defaults filled in. Immutable; read
 * with {@link #read(Path)} or {@link #parse}.
 *
 * @param numKeyValueHeads   KVH (equals the head count without grouped-query attention)
 * @param headDim            D: explicit {@code head_dim} or {@code hidden_size / num_attention_heads}
 * @param maxPositionEmbeddings the context Lathe computes exactly: {@code max_position_embeddings}, capped at
 *                           a Mistral/Qwen2 {@code sliding_window} (Lathe attends to the whole context)
 * @param normEps            RMSNorm or LayerNorm epsilon
 * @param ropeTheta          RoPE base (unused by GPT-2 and BERT; {@code rope_parameters.rope_theta} in transformers 5)
 * @param ropeScaling        {@code rope_scaling} / {@code rope_parameters}: none, linear or llama3
 * @param qkvBias            q/k/v projections have biases (Qwen2, or {@code attention_bias})
 * @param outputBias         the attention output projection has a bias ({@code attention_bias} in Llama)
 * @param mlpBias            the MLP projections have biases ({@code mlp_bias})
 * @param eosTokenIds        end-of-sequence ids (generation config first, then config; may be empty)
 * @param torchDtype         {@code torch_dtype} (transformers 5: {@code dtype}) as written, or null
 * @param typeVocabSize      BERT token type vocabulary (0 for decoders)
 *
 * <p>BERT uses the same record: {@link #normEps} is {@code layer_norm_eps}, {@link #hiddenAct} GELU or
 * its tanh form, and only absolute position embeddings parse.
 */
public record ModelConfig(
        ModelFamily family,
        String modelType,
        int vocabSize,
        int hiddenSize,
        int intermediateSize,
        int numHiddenLayers,
        int numAttentionHeads,
        int numKeyValueHeads,
        int headDim,
        int maxPositionEmbeddings,
        double normEps,
        double ropeTheta,
        RopeConfig.Scaling ropeScaling,
        boolean tieWordEmbeddings,
        Activation hiddenAct,
        boolean qkvBias,
        boolean outputBias,
        boolean mlpBias,
        OptionalInt bosTokenId,
        List<Integer> eosTokenIds,
        OptionalInt padTokenId,
        String torchDtype,
        int typeVocabSize) {

    public ModelConfig {
        eosTokenIds = List.copyOf(eosTokenIds);
    }

    /** Reads {@code dir/config.json} and, when present, {@code dir/generation_config.json}. */
    public static ModelConfig read(Path dir) throws IOException {
        return ConfigParser.read(dir);
    }

    /**
     * Parses a config's JSON text; {@code generationConfigJson} may be null. {@code source} names the file
     * in error messages.
     */
    public static ModelConfig parse(String configJson, String generationConfigJson, String source) {
        return ConfigParser.parse(configJson, generationConfigJson, source);
    }

    /**
     * This config as its family's Hugging Face {@code config.json} text, which {@link #parse} reads back
     * to an equal config; fails for a config the family's fields cannot express.
     */
    public String toJson() {
        return ConfigWriter.write(this);
    }

    /** The rotary embedding this config describes, in Hugging Face's rotate-half layout. */
    public RopeConfig ropeConfig() {
        return new RopeConfig(headDim, ropeTheta, ropeScaling, RopeConfig.Layout.HALF);
    }

    /** Whether {@code id} ends a sequence. */
    public boolean isEos(int id) {
        return eosTokenIds.contains(id);
    }
}
