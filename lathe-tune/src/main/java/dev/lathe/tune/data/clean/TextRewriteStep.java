package dev.lathe.tune.data.clean;

import dev.lathe.tune.data.Example;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A step that rewrites every text field with one function and removes nothing; a record counts
 * as changed when any of its fields changed. Labels and chat roles are left alone.
 */
public final class TextRewriteStep implements CleaningStep {
    private final String name;
    private final UnaryOperator<String> rewrite;

    public TextRewriteStep(String name, UnaryOperator<String> rewrite) {
        this.name = name;
        this.rewrite = rewrite;
    }

    @Override public String name() { return name; }

    @Override
    public StepOutcome apply(List<Example> in) {
        List<Example> out = new ArrayList<>(in.size());
        int changed = 0;
        for (Example e : in) {
            List<String> texts = e.texts();
            List<String> next = texts.stream().map(rewrite).toList();
            if (next.equals(texts)) {
                out.add(e);
            } else {
                out.add(e.withTexts(next));
                changed++;
            }
        }
        return new StepOutcome(out, new StepReport(name, in.size(), 0, changed, out.size(), Map.of()));
    }
}
