package dev.lathe.tune.data.clean;

import dev.lathe.tune.data.Example;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A step that removes records and rewrites none. The verdict function returns null to keep a
 * record or a reason ("too_short", "empty" ...) to remove it; removals are counted per reason.
 */
public final class FilterStep implements CleaningStep {
    private final String name;
    private final Function<Example, String> removalReason;

    public FilterStep(String name, Function<Example, String> removalReason) {
        this.name = name;
        this.removalReason = removalReason;
    }

    @Override public String name() { return name; }

    @Override
    public StepOutcome apply(List<Example> in) {
        List<Example> out = new ArrayList<>(in.size());
        Map<String, Integer> reasons = new LinkedHashMap<>();
        for (Example e : in) {
            String why = removalReason.apply(e);
            if (why == null) out.add(e);
            else reasons.merge(why, 1, Integer::sum);
        }
        return new StepOutcome(out, new StepReport(name, in.size(), in.size() - out.size(), 0, out.size(), reasons));
    }
}
