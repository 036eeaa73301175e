package dev.lathe.tune.data.clean;

import dev.lathe.tune.data.Example;
import java.util.List;

/** One cleaning step: a pure function of the records, keeping input order. */
public interface CleaningStep {
    String name();

    StepOutcome apply(List<Example> in);
}
