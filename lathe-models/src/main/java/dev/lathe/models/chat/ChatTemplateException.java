package dev.lathe.models.chat;

/**
 * A chat template could not be rendered: the template called {@code raise_exception(msg)} (the
 * message is the template's, e.g. "Conversation roles must alternate user/assistant/..."), or it
 * has a syntax or evaluation error.
 */
public final class ChatTemplateException extends RuntimeException {
    private final boolean raisedByTemplate;

    ChatTemplateException(String message, boolean raisedByTemplate, Throwable cause) {
        super(message, cause);
        this.raisedByTemplate = raisedByTemplate;
    }

    /** True when the template itself called {@code raise_exception}. */
    public boolean raisedByTemplate() {
        return raisedByTemplate;
    }
}
