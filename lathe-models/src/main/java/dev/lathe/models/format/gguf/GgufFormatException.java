package dev.lathe.models.format.gguf;

/**
 * A GGUF (or llama2.c) file that does not follow its format: the message names the file, the part
 * (header, metadata key, tensor) and the defect. An {@link IllegalArgumentException}, so callers that
 * treat bad input generically need not know this type.
 */
public final class GgufFormatException extends IllegalArgumentException {
    public GgufFormatException(String message) {
        super(message);
    }

    public GgufFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
