package dev.lathe.eval.metrics.pytext;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Python str semantics: values below are what CPython 3.11 prints / returns for the same input. */
class PyStrTest {

  @Test
  void fixedRoundsTheExactBinaryValueHalfToEvenAsPythonFormat() {
    assertThat(PyStr.fixed(2.675, 2)).isEqualTo("2.67"); // binary value is 2.67499999...
    assertThat(PyStr.fixed(0.125, 2)).isEqualTo("0.12"); // exact tie: to even
    assertThat(PyStr.fixed(0.375, 2)).isEqualTo("0.38");
    assertThat(PyStr.fixed(48.530827, 2)).isEqualTo("48.53");
    assertThat(PyStr.fixed(0.0, 3)).isEqualTo("0.000");
    assertThat(PyStr.fixed(-0.0, 1)).isEqualTo("-0.0");
    assertThat(PyStr.fixed(100.0, 0)).isEqualTo("100");
    assertThat(PyStr.fixed(Double.NaN, 2)).isEqualTo("nan");
  }

  @Test
  void splitAndRstripUsePythonWhitespaceIncludingNoBreakSpaces() {
    assertThat(PyStr.split("  a\u00a0b\tc\u3000\u202fd  ")).containsExactly("a", "b", "c", "d");
    assertThat(PyStr.split("")).isEmpty();
    assertThat(PyStr.split(" \n ")).isEmpty();
    assertThat(PyStr.split("🍕 x")).containsExactly("🍕", "x");
    assertThat(PyStr.rstrip("a b \u00a0\n")).isEqualTo("a b");
    assertThat(PyStr.rstrip("\u200b")).isEqualTo("\u200b"); // zero width space is not whitespace to Python
    assertThat(PyStr.removeSpaces("a b\u2028c")).isEqualTo("abc");
  }

  @Test
  void lengthCountsCodePointsAndLowerIsFullUnicode() {
    assertThat(PyStr.length("🍕a")).isEqualTo(2);
    assertThat(PyStr.lower("İ")).isEqualTo("i\u0307");
    assertThat(PyStr.lower("ΟΔΟΣ")).isEqualTo("οδος");
  }
}
