package dev.lathe.serve.http;

import static io.javalin.http.HandlerType.GET;
import static io.javalin.http.HandlerType.POST;

import io.javalin.config.JavalinConfig;
import java.util.List;

/**
 * Every route of the server, in one table (so what the server exposes, and to whom, is read in one
 * place), and their registration on Javalin behind the {@link Guard}.
 */
public final class Routes {
    /** The table. */
    static final List<Route> TABLE = List.of(
            new Route(GET, "/health", Access.PUBLIC, OpsHandler::health),
            new Route(GET, "/ready", Access.PUBLIC, OpsHandler::ready),
            new Route(GET, "/metrics", Access.PUBLIC, OpsHandler::metrics),
            new Route(GET, "/v1/models", Access.API_KEY, Models::list),
            new Route(GET, "/v1/models/{id}", Access.API_KEY, Models::get),
            new Route(POST, "/v1/completions", Access.API_KEY, CompletionsHandler::handle),
            new Route(POST, "/v1/chat/completions", Access.API_KEY, ChatHandler::handle),
            new Route(POST, "/v1/embeddings", Access.API_KEY, EmbeddingsHandler::handle),
            new Route(POST, "/models/{id}", Access.API_KEY, HfHandler::inference),
            new Route(POST, "/generate", Access.API_KEY, HfHandler::generate),
            new Route(POST, "/generate_stream", Access.API_KEY, HfHandler::generateStream),
            new Route(POST, "/admin/reload", Access.ADMIN, OpsHandler::reload));

    private Routes() {}

    /** Registers the table, CORS preflight and the JSON 404 on {@code config}. */
    public static void register(JavalinConfig config, ServerContext server) {
        Guard guard = new Guard(server);
        for (Route r : TABLE) {
            config.routes.addHttpHandler(r.method(), r.path(), ctx -> guard.handle(ctx, r));
        }
        if (!server.corsOrigins().isEmpty()) {
            for (Route r : TABLE) {
                config.routes.addHttpHandler(io.javalin.http.HandlerType.OPTIONS, r.path(), guard::preflight);
            }
        }
        config.routes.error(404, guard::notFound);
    }
}
