package dev.lathe.tune.data.clean.pii;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces what the registered detectors find with their placeholders. Existing placeholders
 * ({@code {{Order Number}}}, {@code {{EMAIL}}} ...) are protected: no match overlapping one is
 * redacted, so Bitext's anonymised slots stay as text and redacting twice changes nothing.
 * Overlaps between detectors go to the higher-priority detector, then the earlier, longer match.
 */
public final class PiiRedactor {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{[^{}\\n]{1,80}\\}\\}");

    private final List<PiiDetector> detectors;

    public PiiRedactor(PiiRegistry registry) {
        this.detectors = registry.detectors();
    }

    /** The redacted text and how many matches each detector replaced. */
    public record Redaction(String text, Map<String, Integer> counts) {}

    private record Hit(int start, int end, int priority) {}

    public Redaction redact(String text) {
        List<int[]> protectedSpans = new ArrayList<>();
        Matcher m = PLACEHOLDER.matcher(text);
        while (m.find()) protectedSpans.add(new int[] {m.start(), m.end()});
        List<Hit> hits = new ArrayList<>();
        for (int p = 0; p < detectors.size(); p++) {
            for (PiiDetector.Span s : detectors.get(p).find(text)) {
                if (s.end() > text.length()) throw new IllegalStateException("detector " + detectors.get(p).name() + " returned " + s + " past the text");
                boolean inPlaceholder = protectedSpans.stream().anyMatch(q -> s.start() < q[1] && q[0] < s.end());
                if (!inPlaceholder) hits.add(new Hit(s.start(), s.end(), p));
            }
        }
        hits.sort(Comparator.comparingInt(Hit::priority).thenComparingInt(Hit::start).thenComparingInt(h -> -(h.end() - h.start())));
        List<Hit> chosen = new ArrayList<>();
        for (Hit h : hits) {
            if (chosen.stream().noneMatch(c -> h.start() < c.end() && c.start() < h.end())) chosen.add(h);
        }
        if (chosen.isEmpty()) return new Redaction(text, Map.of());
        chosen.sort(Comparator.comparingInt(Hit::start));
        StringBuilder sb = new StringBuilder(text.length());
        Map<String, Integer> counts = new LinkedHashMap<>();
        int at = 0;
        for (Hit h : chosen) {
            PiiDetector d = detectors.get(h.priority());
            sb.append(text, at, h.start()).append(d.placeholder());
            at = h.end();
            counts.merge(d.name(), 1, Integer::sum);
        }
        sb.append(text, at, text.length());
        return new Redaction(sb.toString(), counts);
    }
}
