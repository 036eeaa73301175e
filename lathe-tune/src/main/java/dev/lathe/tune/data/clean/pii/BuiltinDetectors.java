package dev.lathe.tune.data.clean.pii;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The built-in detectors. Each is deliberately conservative: a false positive damages training
 * text, so digit runs are redacted only when they are card numbers by issuer prefix, length and Luhn
 * ({@link CardNumbers}), pass the IBAN checksum, or look like formatted phone numbers (a leading + or
 * separators); Bitext-style order numbers (plain digit runs) stay.
 */
public final class BuiltinDetectors {
    private BuiltinDetectors() {}

    public static final String EMAIL = "{{EMAIL}}";
    public static final String PHONE = "{{PHONE}}";
    public static final String CARD = "{{CARD_NUMBER}}";
    public static final String IBAN = "{{IBAN}}";
    public static final String IP = "{{IP_ADDRESS}}";

    public static PiiDetector email() {
        return new RegexDetector("email", EMAIL, Pattern.compile(
                "(?<![\\w.%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\\.[A-Za-z]{2,}(?![\\w-])"),
                s -> true);
    }

    /**
     * Card numbers as {@link CardNumbers} tells them: a brand's IIN prefix and length, Luhn-valid, grouped like a
     * card; order numbers that merely pass Luhn stay.
     */
    public static PiiDetector paymentCard() {
        return CardNumbers.detector("payment_card", CARD);
    }

    /** Two letters, two check digits, then groups (spaced by 4 or not), passing mod 97. */
    public static PiiDetector iban() {
        return new RegexDetector("iban", IBAN,
                Pattern.compile("(?<![A-Za-z0-9])[A-Z]{2}\\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?(?![A-Za-z0-9])"),
                Checksums::ibanValid);
    }

    public static PiiDetector ipv4() {
        return new RegexDetector("ipv4", IP,
                Pattern.compile("(?<![\\d.])\\d{1,3}(?:\\.\\d{1,3}){3}(?![\\d]|\\.\\d)"), Checksums::ipv4Valid);
    }

    public static PiiDetector ipv6() {
        return new RegexDetector("ipv6", IP,
                Pattern.compile("(?<![0-9A-Za-z:.])(?=[0-9A-Fa-f]*:[0-9A-Fa-f]*:)[0-9A-Fa-f:.]*[0-9A-Fa-f:](?![0-9A-Za-z:]|\\.\\d)"),
                Checksums::ipv6Valid);
    }

    /**
     * Phone numbers written as such: optional +country code, digits grouped by spaces, dashes, dots
     * or parentheses, 7-15 digits in all; a bare digit run counts only with a leading +. ISO dates
     * (2024-01-31) are not phones.
     */
    public static PiiDetector phone() {
        return new RegexDetector("phone", PHONE,
                Pattern.compile("(?<![\\w+])(?:\\+\\d{1,3}[ .-]?)?(?:\\(\\d{1,4}\\)[ .-]?)?\\d{1,4}(?:[ .-]?\\d{1,4}){1,5}(?![\\w])"),
                s -> {
                    long digits = s.chars().filter(Character::isDigit).count();
                    if (digits < 7 || digits > 15) return false;
                    if (s.matches("\\d{4}-\\d{2}-\\d{2}")) return false;
                    return s.startsWith("+") || s.matches(".*[ .()-].*");
                });
    }

    /** In priority order: when matches overlap, the earlier detector wins. */
    public static List<PiiDetector> all() {
        return List.of(email(), iban(), paymentCard(), ipv6(), ipv4(), phone());
    }
}
