package dev.lathe.eval.metrics.bleu;

import dev.lathe.eval.metrics.pytext.PyStr;
import java.util.regex.Pattern;

/**
 * The tokenizers BLEU applies to hypotheses and references before counting n-grams, as sacreBLEU 2.x
 * names and defines them: {@code 13a} (mteval-v13a.pl, the default), {@code intl} (mteval-v14
 * international: split on Unicode punctuation and symbols), {@code char} (every code point a token)
 * and {@code none}. Each returns a string of tokens separated by single spaces.
 */
public enum BleuTokenizer {
  /** mteval-v13a: unescape a few XML entities, then split ASCII punctuation (digits keep . , and -). */
  TOKENIZER_13A("13a") {
    @Override
    public String tokenize(String line) {
      line = line.replace("<skipped>", "").replace("-\n", "").replace("\n", " ");
      if (line.indexOf('&') >= 0) {
        // Same order as mteval: "&amp;lt;" becomes "&lt;" becomes "<".
        line = line.replace("&quot;", "\"").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">");
      }
      // Padding with spaces lets the period/comma rules see a non-digit at both ends.
      String s = " " + line + " ";
      s = ASCII_PUNCT.matcher(s).replaceAll(" $1 ");
      s = NONDIGIT_PERIOD_COMMA.matcher(s).replaceAll("$1 $2 ");
      s = PERIOD_COMMA_NONDIGIT.matcher(s).replaceAll(" $1 $2");
      s = DIGIT_DASH.matcher(s).replaceAll("$1 $2 ");
      return String.join(" ", PyStr.split(s));
    }
  },
  /**
   * mteval-v14 international: punctuation unless between digits, and every symbol, become tokens.
   * Categories come from the JDK's Unicode tables (Unicode 16 on JDK 25), sacreBLEU's from the Python
   * {@code regex} module it runs with; they can only differ on code points assigned in between.
   */
  INTL("intl") {
    @Override
    public String tokenize(String line) {
      String s = NONDIGIT_PUNCT.matcher(line).replaceAll("$1 $2 ");
      s = PUNCT_NONDIGIT.matcher(s).replaceAll(" $1 $2");
      s = SYMBOL.matcher(s).replaceAll(" $1 ");
      return String.join(" ", PyStr.split(s));
    }
  },
  /** Every code point (spaces included, later dropped by splitting) is a token. */
  CHAR("char") {
    @Override
    public String tokenize(String line) {
      StringBuilder b = new StringBuilder(line.length() * 2);
      line.codePoints().forEach(cp -> {
        if (!b.isEmpty()) b.append(' ');
        b.appendCodePoint(cp);
      });
      return b.toString();
    }
  },
  /** No tokenization: the line is split on whitespace as it is. */
  NONE("none") {
    @Override
    public String tokenize(String line) {
      return line;
    }
  };

  // 13a: { | } ~  [ \ ] ^ _ `  space ! " # $ % &  ( ) * +  : ; < = > ? @  /
  private static final Pattern ASCII_PUNCT = Pattern.compile("([{-~\\[-` -&(-+:-@/])");
  private static final Pattern NONDIGIT_PERIOD_COMMA = Pattern.compile("([^0-9])([.,])");
  private static final Pattern PERIOD_COMMA_NONDIGIT = Pattern.compile("([.,])([^0-9])");
  private static final Pattern DIGIT_DASH = Pattern.compile("([0-9])(-)");
  // intl: Unicode general categories N (number), P (punctuation), S (symbol).
  private static final Pattern NONDIGIT_PUNCT = Pattern.compile("(\\P{N})(\\p{P})");
  private static final Pattern PUNCT_NONDIGIT = Pattern.compile("(\\p{P})(\\P{N})");
  private static final Pattern SYMBOL = Pattern.compile("(\\p{S})");

  private final String signature;

  BleuTokenizer(String signature) {
    this.signature = signature;
  }

  /** Tokenizes one line; the result's tokens are separated by single spaces. */
  public abstract String tokenize(String line);

  /** The name sacreBLEU uses on the command line and in the signature's {@code tok:} field. */
  public String signature() {
    return signature;
  }

  /** The tokenizer named {@code name} ({@code 13a}, {@code intl}, {@code char}, {@code none}). */
  public static BleuTokenizer of(String name) {
    for (BleuTokenizer t : values()) if (t.signature.equals(name)) return t;
    throw new IllegalArgumentException("tokenize: unknown tokenizer '" + name
        + "', expected one of 13a, intl, char, none (zh, ja-mecab, ko-mecab, spm, flores* are not supported)");
  }

}
