package dev.lathe.serve.embeddings;

/**
 * A bad embeddings request parameter: names the parameter ({@code input}, {@code encoding_format},
 * {@code dimensions}) so the HTTP layer can answer OpenAI's 400 error object with its {@code param}.
 */
public final class EmbeddingParameterException extends IllegalArgumentException {
    private final String param;

    public EmbeddingParameterException(String param, String message) {
        super(param + ": " + message);
        this.param = param;
    }

    /** The request parameter at fault, as OpenAI spells it. */
    public String param() {
        return param;
    }
}
