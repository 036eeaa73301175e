package dev.lathe.serve.structured;

import java.util.List;

/**
 * One configuration of the {@link JsonAutomaton}: the stacks still alive and whether the value may
 * already be finished. Immutable, with value equality, so masks can be cached per configuration.
 */
final class JsonState {
    private final List<JsonAutomaton.Stack> stacks;
    private final boolean finished;
    private final int maxWs;
    private final int hash;

    JsonState(List<JsonAutomaton.Stack> stacks, boolean finished, int maxWs) {
        this.stacks = stacks;
        this.finished = finished;
        this.maxWs = maxWs;
        this.hash = stacks.hashCode() * 2 + (finished ? 1 : 0);
    }

    /** The configuration after byte {@code b} (0..255), or null when the byte is not allowed here. */
    JsonState advance(int b) {
        // Fast path, the bulk of a trie walk inside a string: a plain character leaves the state as it is.
        if (b >= 0x20 && b < 0x80 && b != '"' && b != '\\' && isPlainString()) {
            return this;
        }
        JsonAutomaton.Out out = new JsonAutomaton.Out();
        for (JsonAutomaton.Stack s : stacks) {
            JsonAutomaton.step(s, b, maxWs, out);
        }
        if (out.isEmpty()) {
            return null;
        }
        if (!out.finished && out.stacks.size() == 1 && stacks.size() == 1 && out.stacks.getFirst() == stacks.getFirst()
                && !finished) {
            return this;
        }
        return new JsonState(out.stacks.size() == 1 ? List.of(out.stacks.getFirst()) : List.copyOf(out.stacks),
                out.finished, maxWs);
    }

    /** Whether this is the inside of a string and nothing else: any plain character keeps it as it is. */
    boolean isPlainString() {
        return stacks.size() == 1 && !finished && stacks.getFirst().top == JsonAutomaton.StringBody.NORMAL;
    }

    /** Whether the text so far is a whole value. */
    boolean isComplete() {
        if (finished) {
            return true;
        }
        for (JsonAutomaton.Stack s : stacks) {
            if (JsonAutomaton.complete(s)) {
                return true;
            }
        }
        return false;
    }

    /** Whether any byte may follow. */
    boolean canContinue() {
        for (int b = 0; b < 256; b++) {
            if (advance(b) != null) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof JsonState s && s.hash == hash && s.finished == finished && s.stacks.equals(stacks);
    }

    @Override
    public int hashCode() {
        return hash;
    }
}
