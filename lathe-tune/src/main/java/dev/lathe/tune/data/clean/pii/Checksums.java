package dev.lathe.tune.data.clean.pii;

import java.math.BigInteger;

/** The checks that tell a payment card or an IBAN from any other string of digits. */
public final class Checksums {
    private Checksums() {}

    /** Luhn (mod 10) over the digits of {@code s}; separators (space, dash) ignored, other chars fail. */
    public static boolean luhnValid(String s) {
        int sum = 0, n = 0;
        for (int i = s.length() - 1; i >= 0; i--) {
            char c = s.charAt(i);
            if (c == ' ' || c == '-') continue;
            if (c < '0' || c > '9') return false;
            int d = c - '0';
            if ((n++ & 1) == 1) {
                d *= 2;
                if (d > 9) d -= 9;
            }
            sum += d;
        }
        return n > 0 && sum % 10 == 0;
    }

    /**
     * ISO 13616 IBAN check: 15 to 34 alphanumerics (spaces ignored), two letters, two digits; moved
     * the first four chars to the end, letters as 10..35, the number mod 97 must be 1.
     */
    public static boolean ibanValid(String s) {
        String t = s.replace(" ", "").toUpperCase(java.util.Locale.ROOT);
        if (t.length() < 15 || t.length() > 34) return false;
        if (!Character.isLetter(t.charAt(0)) || !Character.isLetter(t.charAt(1))
                || !Character.isDigit(t.charAt(2)) || !Character.isDigit(t.charAt(3))) return false;
        String r = t.substring(4) + t.substring(0, 4);
        StringBuilder digits = new StringBuilder();
        for (int i = 0; i < r.length(); i++) {
            char c = r.charAt(i);
            if (c >= '0' && c <= '9') digits.append(c);
            else if (c >= 'A' && c <= 'Z') digits.append(c - 'A' + 10);
            else return false;
        }
        return new BigInteger(digits.toString()).mod(BigInteger.valueOf(97)).intValue() == 1;
    }

    /** A textual IPv6 address: up to 8 hex groups of 1-4 digits, one "::" at most, optional IPv4 tail. */
    public static boolean ipv6Valid(String s) {
        if (s.isEmpty()) return false;
        int dbl = s.indexOf("::");
        if (dbl >= 0 && s.indexOf("::", dbl + 1) >= 0) return false;
        String[] parts = s.split(":", -1);
        int groups = 0;
        boolean anyHex = false;
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            if (p.isEmpty()) continue; // part of "::" (or a leading/trailing one, checked below)
            if (i == parts.length - 1 && p.contains(".")) {
                if (!ipv4Valid(p)) return false;
                groups += 2;
                anyHex = true;
                continue;
            }
            if (p.length() > 4) return false;
            for (int j = 0; j < p.length(); j++) if (Character.digit(p.charAt(j), 16) < 0) return false;
            groups++;
            anyHex = true;
        }
        if (!anyHex) return false;
        if (s.startsWith(":") && !s.startsWith("::")) return false;
        if (s.endsWith(":") && !s.endsWith("::")) return false;
        // empty parts are only allowed as the "::" compression
        long empties = java.util.Arrays.stream(parts).filter(String::isEmpty).count();
        if (dbl < 0) return empties == 0 && groups == 8;
        return groups < 8 && empties <= (s.equals("::") ? 3 : (s.startsWith("::") || s.endsWith("::") ? 2 : 1));
    }

    public static boolean ipv4Valid(String s) {
        String[] p = s.split("\\.", -1);
        if (p.length != 4) return false;
        for (String q : p) {
            if (q.isEmpty() || q.length() > 3 || (q.length() > 1 && q.charAt(0) == '0')) return false;
            for (int i = 0; i < q.length(); i++) if (q.charAt(i) < '0' || q.charAt(i) > '9') return false;
            if (Integer.parseInt(q) > 255) return false;
        }
        return true;
    }
}
