package dev.lathe.cli.recipe;

/**
 * A recipe that cannot be used as written: the message names the file, the line (when known), the key
 * and the problem, e.g. {@code lora.yaml line 14: training.lr: must be > 0, got -1}.
 */
public final class RecipeException extends IllegalArgumentException {
    public RecipeException(String message) {
        super(message);
    }

    public RecipeException(String message, Throwable cause) {
        super(message, cause);
    }
}
