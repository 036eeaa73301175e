package dev.lathe.tune.data.clean;

import dev.lathe.tune.data.Example;
import java.util.List;

/** The records a step kept (in input order) and its report. */
public record StepOutcome(List<Example> kept, StepReport report) {
    public StepOutcome {
        kept = List.copyOf(kept);
    }
}
