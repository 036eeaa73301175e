package dev.lathe.models.format.safetensors;

/**
 * A safetensors file (or sharded checkpoint index) that is not well formed: the message names the
 * file, the tensor or field, and the defect. Thrown for every malformed input, so a caller that
 * loads untrusted files needs to handle only this type (and {@link java.io.IOException} for the
 * file system).
 */
public final class SafetensorsFormatException extends IllegalArgumentException {
    public SafetensorsFormatException(String message) {
        super(message);
    }

    public SafetensorsFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
