package dev.lathe.eval.harness;

import java.util.List;

/**
 * One example of an evaluation set.
 *
 * @param index position in the data file (0-based, after skipping blank lines)
 * @param input the prompt text
 * @param targets gold outputs (several for multi-reference data); empty when the file has none
 */
public record EvalExample(int index, String input, List<String> targets) {
    public EvalExample {
        targets = List.copyOf(targets);
    }
}
