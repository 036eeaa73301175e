package dev.lathe.serve.openai;

/** One prompt of a legacy completion request: text, or token ids the client already encoded. */
public sealed interface Prompt {
    record Text(String text) implements Prompt {}

    record Tokens(int[] ids) implements Prompt {}
}
