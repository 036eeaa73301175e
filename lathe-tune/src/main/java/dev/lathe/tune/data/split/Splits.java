package dev.lathe.tune.data.split;

import dev.lathe.tune.data.Example;
import java.util.List;

/** The three splits, each in the input's order, and whether they were stratified. */
public record Splits(List<Example> train, List<Example> validation, List<Example> test, boolean stratified, int groups) {
    public Splits {
        train = List.copyOf(train);
        validation = List.copyOf(validation);
        test = List.copyOf(test);
    }

    public static final List<String> NAMES = List.of("train", "validation", "test");

    /** Split by index in {@link #NAMES}. */
    public List<Example> get(int i) {
        return switch (i) {
            case 0 -> train;
            case 1 -> validation;
            case 2 -> test;
            default -> throw new IndexOutOfBoundsException("split " + i);
        };
    }
}
