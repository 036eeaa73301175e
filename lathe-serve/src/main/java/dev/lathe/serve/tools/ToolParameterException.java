package dev.lathe.serve.tools;

/**
 * A bad {@code tools} or {@code tool_choice} request parameter: names the parameter path (e.g.
 * {@code tools[1].function.name}) so the HTTP layer can answer OpenAI's 400 error with its {@code param}.
 */
public final class ToolParameterException extends IllegalArgumentException {
    private final String param;

    public ToolParameterException(String param, String message) {
        super(param + ": " + message);
        this.param = param;
    }

    public ToolParameterException(String param, String message, Throwable cause) {
        super(param + ": " + message, cause);
        this.param = param;
    }

    /** The request parameter at fault, as OpenAI spells it. */
    public String param() {
        return param;
    }
}
