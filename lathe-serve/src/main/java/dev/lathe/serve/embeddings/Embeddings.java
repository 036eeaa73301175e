package dev.lathe.serve.embeddings;

import java.util.List;

/**
 * The answer to one embeddings request: a unit-length vector per input, in input order, and the
 * token count OpenAI reports as {@code usage.prompt_tokens} (and {@code total_tokens}: embeddings
 * generate nothing).
 */
public record Embeddings(List<float[]> vectors, int promptTokens) {
    public Embeddings {
        vectors = List.copyOf(vectors);
    }

    public int totalTokens() {
        return promptTokens;
    }

    /** Vector {@code index} as {@code encoding_format} asks: a float[] for FLOAT, a base64 String for BASE64. */
    public Object encoded(int index, EncodingFormat format) {
        float[] v = vectors.get(index);
        return format == EncodingFormat.BASE64 ? EncodingFormat.toBase64(v) : v.clone();
    }
}
