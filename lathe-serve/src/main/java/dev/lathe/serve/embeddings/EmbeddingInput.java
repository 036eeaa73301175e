package dev.lathe.serve.embeddings;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * OpenAI's embeddings {@code input}: one string, an array of strings, one array of token ids, or an
 * array of token-id arrays. Token ids are the model's own (passed to it as they are, no special tokens
 * added); strings are tokenized with the model's tokenizer and its special tokens.
 */
public sealed interface EmbeddingInput {
    String PARAM = "input";

    /** Strings to tokenize, one embedding each. */
    record Texts(List<String> texts) implements EmbeddingInput {
        public Texts {
            texts = List.copyOf(texts);
            if (texts.isEmpty()) {
                throw new EmbeddingParameterException(PARAM, "must not be an empty array");
            }
            for (int i = 0; i < texts.size(); i++) {
                if (texts.get(i).isEmpty()) {
                    throw new EmbeddingParameterException(PARAM, "input[" + i + "] is an empty string; every input"
                            + " must hold text");
                }
            }
        }
    }

    /** Token-id sequences, one embedding each. */
    record Tokens(List<int[]> sequences) implements EmbeddingInput {
        public Tokens {
            sequences = sequences.stream().map(int[]::clone).toList();
            if (sequences.isEmpty()) {
                throw new EmbeddingParameterException(PARAM, "must not be an empty array");
            }
            for (int i = 0; i < sequences.size(); i++) {
                if (sequences.get(i).length == 0) {
                    throw new EmbeddingParameterException(PARAM, "input[" + i + "] is an empty token array");
                }
            }
        }
    }

    /** How many embeddings this input asks for. */
    default int size() {
        return switch (this) {
            case Texts t -> t.texts.size();
            case Tokens t -> t.sequences.size();
        };
    }

    /**
     * Reads the request's {@code input} field.
     *
     * @throws EmbeddingParameterException naming {@code input} for any other shape
     */
    static EmbeddingInput parse(JsonNode input) {
        if (input == null || input.isNull() || input.isMissingNode()) {
            throw new EmbeddingParameterException(PARAM, "is required: a string, an array of strings, an array of"
                    + " token ids or an array of token-id arrays");
        }
        if (input.isTextual()) {
            return new Texts(List.of(input.asText()));
        }
        if (!input.isArray() || input.isEmpty()) {
            throw new EmbeddingParameterException(PARAM, "must be a string or a non-empty array, got " + shape(input));
        }
        JsonNode first = input.get(0);
        if (first.isTextual()) {
            List<String> texts = new ArrayList<>();
            for (int i = 0; i < input.size(); i++) {
                if (!input.get(i).isTextual()) {
                    throw new EmbeddingParameterException(PARAM, "input[" + i + "] is " + shape(input.get(i))
                            + " in an array of strings");
                }
                texts.add(input.get(i).asText());
            }
            return new Texts(texts);
        }
        if (first.isIntegralNumber()) {
            return new Tokens(List.of(ids(input, "input")));
        }
        if (first.isArray()) {
            List<int[]> sequences = new ArrayList<>();
            for (int i = 0; i < input.size(); i++) {
                if (!input.get(i).isArray()) {
                    throw new EmbeddingParameterException(PARAM, "input[" + i + "] is " + shape(input.get(i))
                            + " in an array of token arrays");
                }
                sequences.add(ids(input.get(i), "input[" + i + "]"));
            }
            return new Tokens(sequences);
        }
        throw new EmbeddingParameterException(PARAM, "input[0] is " + shape(first)
                + "; expected strings, token ids or token-id arrays");
    }

    private static int[] ids(JsonNode array, String where) {
        int[] ids = new int[array.size()];
        for (int i = 0; i < ids.length; i++) {
            JsonNode id = array.get(i);
            if (!id.isIntegralNumber() || !id.canConvertToInt() || id.asInt() < 0) {
                throw new EmbeddingParameterException(PARAM, where + "[" + i + "] = " + id
                        + " is not a token id (a non-negative integer)");
            }
            ids[i] = id.asInt();
        }
        return ids;
    }

    private static String shape(JsonNode n) {
        return n.isArray() ? "an array" : n.isObject() ? "an object" : n.isTextual() ? "a string"
                : n.isNumber() ? "a number " + n : n.isBoolean() ? "a boolean" : "null";
    }
}
