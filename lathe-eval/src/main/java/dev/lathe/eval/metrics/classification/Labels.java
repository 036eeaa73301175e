package dev.lathe.eval.metrics.classification;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The label order Lathe uses where sklearn sorts labels ({@code unique_labels}). Our labels are
 * strings; sklearn sorts ints numerically and strs by code point, so: when every label is an
 * integer (optional '-' then ASCII digits) they sort as numbers (ties such as "01" and "1" by
 * code point), otherwise all sort by Unicode code point (not by UTF-16 unit as
 * {@link String#compareTo} would).
 */
public final class Labels {
    private static final Pattern INTEGER = Pattern.compile("-?[0-9]+");

    private Labels() {}

    /** Code-point order, as Python and numpy compare str. */
    public static final Comparator<String> CODE_POINT = Labels::compareCodePoints;

    /** The sorted, de-duplicated union of the given label collections. */
    @SafeVarargs
    public static List<String> sorted(Collection<String>... collections) {
        Set<String> all = new HashSet<>();
        for (Collection<String> c : collections) all.addAll(c);
        boolean allIntegers = !all.isEmpty();
        for (String s : all) {
            if (!INTEGER.matcher(s).matches()) {
                allIntegers = false;
                break;
            }
        }
        Comparator<String> order = allIntegers
                ? Comparator.comparing((String s) -> new BigInteger(s)).thenComparing(CODE_POINT)
                : CODE_POINT;
        TreeSet<String> set = new TreeSet<>(order);
        set.addAll(all);
        return List.copyOf(new ArrayList<>(set));
    }

    static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) return Integer.compare(ca, cb);
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }
}
