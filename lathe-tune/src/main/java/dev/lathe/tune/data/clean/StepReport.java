package dev.lathe.tune.data.clean;

import java.util.Map;

/**
 * What one cleaning step did: records in, removed, changed (kept but rewritten) and out, plus
 * step-specific counts (e.g. removed as too long, redactions per PII kind).
 */
public record StepReport(String step, int in, int removed, int changed, int out, Map<String, Integer> details) {
    public StepReport {
        details = Map.copyOf(details);
        if (in - removed != out) {
            throw new IllegalArgumentException("step " + step + ": in " + in + " - removed " + removed + " != out " + out);
        }
    }
}
