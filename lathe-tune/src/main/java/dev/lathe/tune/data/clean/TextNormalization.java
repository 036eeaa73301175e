package dev.lathe.tune.data.clean;

import java.text.Normalizer;

/**
 * The text rewrites behind the NFC, control-character and whitespace steps.
 *
 * <p>Whitespace policy (documented choice): line breaks are kept in every field, since responses
 * carry numbered lists and paragraphs a model should learn to write; CR LF and lone CR become LF.
 * Within a line, runs of horizontal whitespace (space, tab, no-break and other Unicode spaces)
 * collapse to one space and trailing whitespace goes, but leading indentation is kept as is (code
 * and nested lists depend on it). More than one blank line in a row becomes one blank line, and the
 * field is trimmed at both ends.
 */
public final class TextNormalization {
    private TextNormalization() {}

    public static String nfc(String s) {
        return Normalizer.isNormalized(s, Normalizer.Form.NFC) ? s : Normalizer.normalize(s, Normalizer.Form.NFC);
    }

    /** Removes control characters (Unicode Cc) but \n and \t; CR LF and CR become \n; BOMs go too. */
    public static String removeControls(String s) {
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean keep = c == '\n' || c == '\t' || (Character.getType(c) != Character.CONTROL && c != '\uFEFF');
            if (keep && sb == null) continue;
            if (sb == null) sb = new StringBuilder(s.length()).append(s, 0, i);
            if (c == '\r') {
                sb.append('\n');
                if (i + 1 < s.length() && s.charAt(i + 1) == '\n') i++;
            } else if (keep) {
                sb.append(c);
            }
        }
        return sb == null ? s : sb.toString();
    }

    public static String normalizeWhitespace(String s) {
        String[] lines = s.replace("\r\n", "\n").replace('\r', '\n').split("\n", -1);
        StringBuilder sb = new StringBuilder(s.length());
        int blankRun = 0;
        for (String line : lines) {
            String l = collapseLine(line);
            if (l.isEmpty()) {
                if (++blankRun > 1) continue;
            } else {
                blankRun = 0;
            }
            sb.append(l).append('\n');
        }
        return sb.toString().strip();
    }

    private static boolean isHorizontalSpace(char c) {
        return c == ' ' || c == '\t' || c == '\u000B' || c == '\u000C' || Character.getType(c) == Character.SPACE_SEPARATOR;
    }

    private static String collapseLine(String line) {
        int n = line.length();
        int i = 0;
        while (i < n && isHorizontalSpace(line.charAt(i))) i++;
        int end = n;
        while (end > i && isHorizontalSpace(line.charAt(end - 1))) end--;
        if (i == end) return "";
        StringBuilder sb = new StringBuilder(end);
        sb.append(line, 0, i); // indentation kept
        boolean inRun = false;
        for (int j = i; j < end; j++) {
            char c = line.charAt(j);
            if (isHorizontalSpace(c)) {
                if (!inRun) sb.append(' ');
                inRun = true;
            } else {
                sb.append(c);
                inRun = false;
            }
        }
        return sb.toString();
    }
}
