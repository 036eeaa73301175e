package dev.lathe.tune.data.clean.pii;

import dev.lathe.tune.data.clean.pii.PiiDetector.Span;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * Tells a payment card number from other digit runs the way mature detectors do (Presidio, Google DLP): the
 * number must start with an issuer identification number (IIN) prefix of a card brand and have one of that brand's
 * lengths, pass the Luhn check, and be written either without separators or in card-like groups of one separator
 * kind (4-4-4-4, 4-4-4-4-3, Amex's 4-6-5, Diners' 4-6-4). Luhn alone is not enough: one digit run in ten passes it,
 * so order numbers (Bitext's 15-digit {@code 11...} purchase ids) were redacted as cards. Ranges and lengths are
 * those the brands publish (ISO/IEC 7812 IINs as listed by the card networks); the table covers the brands a
 * support conversation meets worldwide.
 */
public final class CardNumbers {
    private CardNumbers() {}

    /** A card brand: its IIN prefix ranges and the lengths its numbers have. */
    public record Brand(String name, List<PrefixRange> prefixes, List<Integer> lengths) {
        boolean matches(String digits) {
            return lengths.contains(digits.length()) && prefixes.stream().anyMatch(p -> p.contains(digits));
        }
    }

    /** Leading digits from {@code low} to {@code high} (inclusive), both written with the same number of digits. */
    public record PrefixRange(int low, int high) {
        static PrefixRange of(int low, int high) {
            return new PrefixRange(low, high);
        }

        static PrefixRange of(int prefix) {
            return new PrefixRange(prefix, prefix);
        }

        boolean contains(String number) {
            int digits = String.valueOf(low).length();
            if (number.length() < digits) {
                return false;
            }
            int lead = Integer.parseInt(number, 0, digits, 10);
            return lead >= low && lead <= high;
        }
    }

    private static Brand brand(String name, int minLength, int maxLength, PrefixRange... prefixes) {
        return new Brand(name, List.of(prefixes), IntStream.rangeClosed(minLength, maxLength).boxed().toList());
    }

    private static Brand brand(String name, List<Integer> lengths, PrefixRange... prefixes) {
        return new Brand(name, List.of(prefixes), lengths);
    }

    /** The brands recognised; ranges that overlap (Diners US 54-55 is Mastercard's) need no second entry. */
    public static final List<Brand> BRANDS = List.of(
            brand("Visa", List.of(13, 16, 19), PrefixRange.of(4)),
            brand("Mastercard", 16, 16, PrefixRange.of(51, 55), PrefixRange.of(2221, 2720)),
            brand("American Express", 15, 15, PrefixRange.of(34), PrefixRange.of(37)),
            brand("Discover", 16, 19, PrefixRange.of(6011), PrefixRange.of(644, 649), PrefixRange.of(65),
                    PrefixRange.of(622126, 622925)),
            brand("JCB", 16, 19, PrefixRange.of(3528, 3589)),
            brand("Diners Club", 14, 19, PrefixRange.of(300, 305), PrefixRange.of(3095), PrefixRange.of(36),
                    PrefixRange.of(38, 39)),
            brand("UnionPay", 16, 19, PrefixRange.of(62)),
            brand("Maestro", 12, 19, PrefixRange.of(5018), PrefixRange.of(5020), PrefixRange.of(5038),
                    PrefixRange.of(5893), PrefixRange.of(6304), PrefixRange.of(6759), PrefixRange.of(6761, 6763)),
            brand("Mir", 16, 19, PrefixRange.of(2200, 2204)));

    /** Runs of 12-19 digits, optionally separated by single spaces or dashes, not inside a longer digit run. */
    private static final Pattern CANDIDATE = Pattern.compile("(?<![\\d-])\\d(?:[ -]?\\d){11,18}(?!\\d)");

    /**
     * A detector of card numbers: each candidate digit run, or failing that its longest prefix that ends at a group
     * boundary (so "4111 1111 1111 1111 12/25" yields the card and leaves the expiry month), that is
     * {@link #plausible}.
     */
    public static PiiDetector detector(String name, String placeholder) {
        return new PiiDetector() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public String placeholder() {
                return placeholder;
            }

            @Override
            public List<Span> find(String text) {
                List<Span> out = new ArrayList<>();
                Matcher m = CANDIDATE.matcher(text);
                while (m.find()) {
                    String run = m.group();
                    for (int end = run.length(); end > 0; end = Math.max(run.lastIndexOf(' ', end - 1),
                            run.lastIndexOf('-', end - 1))) {
                        if (plausible(run.substring(0, end))) {
                            out.add(new Span(m.start(), m.start() + end));
                            break;
                        }
                    }
                }
                return out;
            }
        };
    }

    /** The brand whose IIN range and length {@code digits} (digits only) fits, if any. */
    public static Optional<Brand> brandOf(String digits) {
        return BRANDS.stream().filter(b -> b.matches(digits)).findFirst();
    }

    /**
     * Whether {@code text} (digits, optionally grouped by spaces or by dashes) is a plausible card number: consistent,
     * card-like grouping, a brand's IIN prefix and length, and a valid Luhn check digit.
     */
    public static boolean plausible(String text) {
        String digits = text.replaceAll("[ -]", "");
        if (!digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return false;
        }
        return groupedLikeACard(text) && brandOf(digits).isPresent() && Checksums.luhnValid(digits);
    }

    /**
     * No separators, or one kind of separator between groups of 4 (the last 1-4 long), or the 4-6-5 / 4-6-4 grouping
     * printed on American Express and Diners cards.
     */
    static boolean groupedLikeACard(String text) {
        boolean spaces = text.indexOf(' ') >= 0;
        boolean dashes = text.indexOf('-') >= 0;
        if (!spaces && !dashes) {
            return true;
        }
        if (spaces && dashes) {
            return false;
        }
        String[] groups = text.split(spaces ? " " : "-", -1);
        int[] len = new int[groups.length];
        for (int i = 0; i < groups.length; i++) {
            len[i] = groups[i].length();
        }
        if (len.length == 3 && len[0] == 4 && len[1] == 6 && (len[2] == 4 || len[2] == 5)) {
            return true;
        }
        for (int i = 0; i < len.length - 1; i++) {
            if (len[i] != 4) {
                return false;
            }
        }
        return len[len.length - 1] >= 1 && len[len.length - 1] <= 4;
    }
}
