/**
 * Embeddings for OpenAI's {@code /v1/embeddings}: {@link dev.lathe.serve.embeddings.EmbeddingService}
 * turns {@link dev.lathe.serve.embeddings.EmbeddingInput} (strings or token arrays) into unit vectors
 * with BERT-family models (sentence-transformers mean pooling) or decoder models (mean-pooled final
 * hidden states), with OpenAI's {@code dimensions} and {@code encoding_format}
 * ({@link dev.lathe.serve.embeddings.EncodingFormat}: float arrays or base64 little-endian float32)
 * and token usage. Parameter errors name the parameter
 * ({@link dev.lathe.serve.embeddings.EmbeddingParameterException}).
 */
package dev.lathe.serve.embeddings;
