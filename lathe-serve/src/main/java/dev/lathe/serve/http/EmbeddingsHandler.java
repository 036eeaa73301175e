package dev.lathe.serve.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.lathe.models.ContextLengthExceededException;
import dev.lathe.serve.embeddings.EmbeddingInput;
import dev.lathe.serve.embeddings.EmbeddingParameterException;
import dev.lathe.serve.embeddings.Embeddings;
import dev.lathe.serve.embeddings.EncodingFormat;
import dev.lathe.serve.openai.JsonFields;
import dev.lathe.serve.openai.OpenAiException;
import dev.lathe.serve.registry.ModelRegistry;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /v1/embeddings} on an embedding model (BERT family, sentence-transformers pooling) or any
 * served generation model (mean-pooled final hidden states), unit length, with OpenAI's input shapes,
 * {@code encoding_format} and usage. Embedding is one forward pass
 * per input on the request's own thread; it does not go through the generation scheduler.
 */
final class EmbeddingsHandler {
    private EmbeddingsHandler() {}

    static void handle(Call call) {
        JsonFields f = new JsonFields(call.json(), "");
        String name = f.requiredString("model");
        call.model = name;
        try {
            EmbeddingInput input = EmbeddingInput.parse(f.raw("input"));
            String formatName = f.string(EncodingFormat.PARAM);
            EncodingFormat format = EncodingFormat.parse(formatName == null ? "float" : formatName);
            Integer dimensions = f.integer("dimensions");
            f.string("user");
            f.rejectUnread();
            java.util.Optional<dev.lathe.serve.embeddings.EmbeddingService> embedder = call.server.registry().embedder(name);
            try (ModelRegistry.Lease lease = embedder.isPresent() ? null : Models.lease(call.server, name)) {
                call.admit(0);
                Embeddings e = (embedder.isPresent() ? embedder.get() : lease.model().embeddings()).embed(input, dimensions);
                List<Item> data = new ArrayList<>();
                for (int i = 0; i < e.vectors().size(); i++) data.add(new Item("embedding", i, e.encoded(i, format)));
                call.usage(e.promptTokens(), 0);
                call.json(200, new Response("list", data, name, new Usage(e.promptTokens(), e.totalTokens())));
            } finally {
                call.settle(call.promptTokens);
            }
        } catch (EmbeddingParameterException e) {
            throw OpenAiException.badParam(e.param(), e.getMessage());
        } catch (ContextLengthExceededException e) {
            throw new OpenAiException(400, "This model's maximum context length is " + e.limit() + " tokens, however you"
                    + " requested " + e.requested() + " tokens in the input. Please reduce your input.",
                    "invalid_request_error", "input", "context_length_exceeded", Call.none());
        }
    }

    record Item(String object, int index, Object embedding) {}

    @JsonInclude(JsonInclude.Include.ALWAYS)
    record Usage(int promptTokens, int totalTokens) {}

    record Response(String object, List<Item> data, String model, Usage usage) {}
}
