package dev.lathe.tune.peft;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The fields PEFT's {@code PromptLearningConfig} gives prompt and prefix tuning: {@code num_virtual_tokens}
 * and the base model's sizes as PEFT records them ({@code token_dim}, {@code num_layers},
 * {@code num_attention_heads}; {@code num_transformer_submodules} is 1 for decoders and encoders). For
 * prefix tuning on a grouped-query model PEFT stores the key/value heads: {@code num_attention_heads} =
 * KVH and {@code token_dim} = KVH * D.
 */
public record PromptLearningConfig(int numVirtualTokens, int tokenDim, int numLayers, int numAttentionHeads) {

    public PromptLearningConfig {
        if (numVirtualTokens < 1) {
            throw new IllegalArgumentException("num_virtual_tokens must be >= 1, got " + numVirtualTokens);
        }
        if (tokenDim < 1 || numLayers < 1 || numAttentionHeads < 1 || tokenDim % numAttentionHeads != 0) {
            throw new IllegalArgumentException("token_dim " + tokenDim + ", num_layers " + numLayers
                    + " and num_attention_heads " + numAttentionHeads + " must be >= 1, token_dim a multiple of the heads");
        }
    }

    /** Writes these fields (and PEFT's null {@code modules_to_save}, {@code num_transformer_submodules} 1). */
    public void putInto(ObjectNode o) {
        o.putNull("modules_to_save");
        o.put("num_attention_heads", numAttentionHeads);
        o.put("num_layers", numLayers);
        o.put("num_transformer_submodules", 1);
        o.put("num_virtual_tokens", numVirtualTokens);
        o.put("token_dim", tokenDim);
    }

    /** Reads these fields; encoder-decoder adapters ({@code num_transformer_submodules} 2) are rejected. */
    public static PromptLearningConfig fromJson(JsonNode root, String where) {
        int submodules = PeftConfigJson.intField(root, where, "num_transformer_submodules", 1);
        if (submodules != 1) {
            throw new IllegalArgumentException(where + ": num_transformer_submodules " + submodules + " is for"
                    + " encoder-decoder models; Lathe's decoders and encoders have 1");
        }
        PeftConfigJson.rejectIfSet(root, where, "modules_to_save", "prompt learning (train a head with the"
                + " classification task)");
        for (String f : new String[] {"num_virtual_tokens", "token_dim", "num_layers", "num_attention_heads"}) {
            if (root.get(f) == null || root.get(f).isNull()) {
                throw new IllegalArgumentException(where + ": " + f + " is missing");
            }
        }
        try {
            return new PromptLearningConfig(PeftConfigJson.intField(root, where, "num_virtual_tokens", 0),
                    PeftConfigJson.intField(root, where, "token_dim", 0), PeftConfigJson.intField(root, where,
                    "num_layers", 0), PeftConfigJson.intField(root, where, "num_attention_heads", 0));
        } catch (IllegalArgumentException e) {
            throw e.getMessage().startsWith(where) ? e : new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }

    /** Checks that the adapter was made for a model of {@code base}'s sizes (P is free). */
    public void requireMatches(AdapterBase base, int expectedTokenDim, int expectedHeads, String where) {
        if (tokenDim != expectedTokenDim || numLayers != base.layers() || numAttentionHeads != expectedHeads) {
            throw new IllegalArgumentException(where + ": the adapter has token_dim " + tokenDim + ", num_layers "
                    + numLayers + ", num_attention_heads " + numAttentionHeads + " but the base model needs "
                    + expectedTokenDim + ", " + base.layers() + ", " + expectedHeads + " (a different base model?)");
        }
    }
}
