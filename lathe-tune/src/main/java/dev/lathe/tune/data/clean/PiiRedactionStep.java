package dev.lathe.tune.data.clean;

import dev.lathe.tune.data.Example;
import dev.lathe.tune.data.clean.pii.PiiRedactor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** PII redaction as a cleaning step: rewrites fields, removes nothing, counts matches per detector. */
final class PiiRedactionStep implements CleaningStep {
    private final PiiRedactor redactor;

    PiiRedactionStep(PiiRedactor redactor) {
        this.redactor = redactor;
    }

    @Override public String name() { return "pii_redaction"; }

    @Override
    public StepOutcome apply(List<Example> in) {
        List<Example> out = new ArrayList<>(in.size());
        Map<String, Integer> counts = new LinkedHashMap<>();
        int changed = 0;
        for (Example e : in) {
            List<String> texts = e.texts();
            List<String> next = new ArrayList<>(texts.size());
            for (String t : texts) {
                PiiRedactor.Redaction r = redactor.redact(t);
                r.counts().forEach((k, v) -> counts.merge(k, v, Integer::sum));
                next.add(r.text());
            }
            if (next.equals(texts)) {
                out.add(e);
            } else {
                out.add(e.withTexts(next));
                changed++;
            }
        }
        return new StepOutcome(out, new StepReport(name(), in.size(), 0, changed, out.size(), counts));
    }
}
