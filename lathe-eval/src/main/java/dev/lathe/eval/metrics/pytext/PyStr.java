package dev.lathe.eval.metrics.pytext;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Python 3 {@code str} semantics that reference metric tools (sacreBLEU, rouge-score, the SQuAD script)
 * rely on and that Java's own methods do not reproduce: {@code str.split()} / {@code rstrip()} split on
 * Python's whitespace set (which includes U+00A0, U+202F and other no-break spaces that
 * {@link Character#isWhitespace} excludes), strings are sequences of code points (not UTF-16 units), and
 * {@code f"{x:.2f}"} rounds the exact binary value half-to-even (Java's {@code %.2f} rounds the shortest
 * decimal repr half-up, so 2.675 prints as 2.68 in Java but 2.67 in Python).
 */
public final class PyStr {

  private PyStr() {}

  /**
   * Python's {@code str.isspace()} for one code point: bidirectional class WS, B or S, or category Zs
   * (the set CPython's {@code _PyUnicode_IsWhitespace} tests since Unicode 6.3).
   */
  public static boolean isSpace(int cp) {
    if (cp <= 0x20) return cp == 0x20 || (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x1F);
    return cp == 0x85 || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A)
        || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
  }

  /** Python's {@code s.split()}: runs of whitespace separate tokens; no empty tokens. */
  public static List<String> split(String s) {
    List<String> out = new ArrayList<>();
    int n = s.length();
    int i = 0;
    while (i < n) {
      while (i < n && isSpace(s.codePointAt(i))) i += Character.charCount(s.codePointAt(i));
      if (i >= n) break;
      int start = i;
      while (i < n && !isSpace(s.codePointAt(i))) i += Character.charCount(s.codePointAt(i));
      out.add(s.substring(start, i));
    }
    return out;
  }

  /** Python's {@code ''.join(s.split())}: s with every whitespace code point removed. */
  public static String removeSpaces(String s) {
    StringBuilder b = new StringBuilder(s.length());
    s.codePoints().filter(cp -> !isSpace(cp)).forEach(b::appendCodePoint);
    return b.toString();
  }

  /** Python's {@code s.rstrip()}. */
  public static String rstrip(String s) {
    int end = s.length();
    while (end > 0) {
      int cp = s.codePointBefore(end);
      if (!isSpace(cp)) break;
      end -= Character.charCount(cp);
    }
    return s.substring(0, end);
  }

  /** Python's {@code s.lower()} (full Unicode case mapping, locale independent, final sigma aware). */
  public static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }

  /** Number of code points: Python's {@code len(s)}. */
  public static int length(String s) {
    return s.codePointCount(0, s.length());
  }

  /**
   * Python's {@code f"{x:.{digits}f}"} for finite x: the exact binary value rounded half to even.
   * NaN and infinities print as Python does ({@code nan}, {@code inf}, {@code -inf}).
   */
  public static String fixed(double x, int digits) {
    if (digits < 0) throw new IllegalArgumentException("digits must be >= 0, got " + digits);
    if (Double.isNaN(x)) return "nan";
    if (Double.isInfinite(x)) return x > 0 ? "inf" : "-inf";
    String body = new BigDecimal(Math.abs(x)).setScale(digits, RoundingMode.HALF_EVEN).toPlainString();
    boolean negative = x < 0 || (x == 0 && 1 / x < 0);
    return negative ? "-" + body : body;
  }
}
