package dev.lathe.serve.http;

import dev.lathe.serve.openai.ModelObject;
import dev.lathe.serve.openai.OpenAiException;
import dev.lathe.serve.registry.ModelNames;
import dev.lathe.serve.registry.ModelRegistry;
import java.io.UncheckedIOException;
import java.util.List;

/** {@code GET /v1/models} and {@code /v1/models/{id}}, and the model lookup every generation route shares. */
final class Models {
    /** {@code owned_by} of every served model. */
    static final String OWNER = "lathe";

    private Models() {}

    /** A lease on the named model: 400 for a name that cannot be a model, 404 for one not served. */
    static ModelRegistry.Lease lease(ServerContext server, String name) {
        if (!ModelNames.valid(name)) {
            throw OpenAiException.badParam("model", "'" + name + "' is not a valid model name: use letters, digits,"
                    + " '.', '_', '-' or ':' (no paths)");
        }
        if (server.registry().embedder(name).isPresent()) {
            throw OpenAiException.badParam("model", "'" + name + "' is an embedding model: use it with /v1/embeddings");
        }
        try {
            return server.registry().acquire(name).orElseThrow(() -> OpenAiException.modelNotFound(name));
        } catch (UncheckedIOException | IllegalArgumentException e) {
            throw new OpenAiException(500, "The model `" + name + "` could not be loaded: " + e.getMessage(),
                    "server_error", "model", "model_load_failed", Call.none());
        }
    }

    static void list(Call call) {
        List<ModelObject> data = call.server.registry().list().stream()
                .map(e -> ModelObject.of(e.name(), e.created(), OWNER)).toList();
        call.json(200, ModelObject.ModelList.of(data));
    }

    static void get(Call call) {
        String id = call.ctx.pathParam("id");
        ModelRegistry.Entry e = call.server.registry().list().stream().filter(x -> x.name().equals(id)).findFirst()
                .orElseThrow(() -> OpenAiException.modelNotFound(id));
        call.json(200, ModelObject.of(e.name(), e.created(), OWNER));
    }
}
