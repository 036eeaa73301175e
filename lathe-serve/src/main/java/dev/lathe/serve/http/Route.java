package dev.lathe.serve.http;

import io.javalin.http.HandlerType;

/** One row of the routes table: method, path, who may call it, and the handler. */
record Route(HandlerType method, String path, Access access, CallHandler handler) {
    /** A handler of one {@link Call}. */
    @FunctionalInterface
    interface CallHandler {
        void handle(Call call) throws Exception;
    }
}
