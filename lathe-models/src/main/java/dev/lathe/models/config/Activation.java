package dev.lathe.models.config;

/**
 * The hidden activation a config names ({@code hidden_act} / {@code activation_function}), mapped to
 * what the engine computes. {@code gelu_new}, {@code gelu_fast} and {@code gelu_pytorch_tanh} are the
 * same tanh approximation.
 */
public enum Activation {
    SILU,
    GELU,
    GELU_TANH;

    /** The Hugging Face name written to a config ({@link #ofHfName} reads it back as this activation). */
    public String hfName() {
        return switch (this) {
            case SILU -> "silu";
            case GELU -> "gelu";
            case GELU_TANH -> "gelu_new";
        };
    }

    /** The activation for a Hugging Face name, or null when unsupported. */
    public static Activation ofHfName(String name) {
        return switch (name) {
            case "silu", "swish" -> SILU;
            case "gelu" -> GELU;
            case "gelu_new", "gelu_fast", "gelu_pytorch_tanh" -> GELU_TANH;
            default -> null;
        };
    }
}
