package dev.lathe.serve.openai;

/** Reads {@code stream_options} ({@code include_usage}), which OpenAI accepts only with {@code stream: true}. */
final class StreamOptions {
    private StreamOptions() {}

    static boolean includeUsage(JsonFields request, boolean stream) {
        if (request.raw("stream_options") == null) return false;
        if (!stream) {
            throw OpenAiException.badParam("stream_options", "The 'stream_options' parameter is only allowed when"
                    + " 'stream' is enabled.");
        }
        JsonFields options = new JsonFields(request.raw("stream_options"), "stream_options");
        boolean include = Boolean.TRUE.equals(options.bool("include_usage"));
        options.accept("include_obfuscation");
        options.rejectUnread();
        return include;
    }
}
