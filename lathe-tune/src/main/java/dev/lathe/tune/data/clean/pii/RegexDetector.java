package dev.lathe.tune.data.clean.pii;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A detector from a regular expression and a check on each match (checksum, digit count ...). */
public record RegexDetector(String name, String placeholder, Pattern pattern, Predicate<String> check)
        implements PiiDetector {
    @Override
    public List<Span> find(String text) {
        List<Span> out = new ArrayList<>();
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            if (m.end() > m.start() && check.test(m.group())) out.add(new Span(m.start(), m.end()));
        }
        return out;
    }
}
