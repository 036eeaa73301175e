package dev.lathe.eval.perplexity;

/**
 * The settings a perplexity was computed with, defaults resolved: reports print them next to the
 * number, since perplexity depends on each of them.
 *
 * @param window tokens per forward pass
 * @param stride tokens each window advanced by
 * @param bos whether Lathe prepended the BOS id to each text (false for token-id input, used as given)
 */
public record PerplexitySettings(int window, int stride, boolean bos) {
    /** A one-line description, e.g. {@code window=512 stride=256 bos=yes}. */
    public String describe() {
        return "window=" + window + " stride=" + stride + " bos=" + (bos ? "yes" : "no");
    }
}
