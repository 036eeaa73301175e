package dev.lathe.tune.data;

import java.util.List;
import java.util.Objects;

/** An instruction-tuning record: instruction, optional input (empty when absent), output. */
public record AlpacaExample(String instruction, String input, String output, String label, Origin origin)
        implements Example {
    public AlpacaExample {
        Objects.requireNonNull(instruction, "instruction");
        input = input == null ? "" : input;
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(origin, "origin");
    }

    @Override public Shape shape() { return Shape.ALPACA; }

    @Override public List<String> texts() { return List.of(instruction, input, output); }

    @Override
    public Example withTexts(List<String> t) {
        Example.requireSize(t, 3, shape());
        return new AlpacaExample(t.get(0), t.get(1), t.get(2), label, origin);
    }

    @Override public boolean isEmpty() { return instruction.isBlank() || output.isBlank(); }
}
