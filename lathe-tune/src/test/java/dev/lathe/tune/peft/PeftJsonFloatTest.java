package dev.lathe.tune.peft;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Floats in adapter configs are written exactly as Python's repr writes them (expected values from CPython 3). */
class PeftJsonFloatTest {

    @ParameterizedTest
    @CsvSource({
        "0.0, 0.0",
        "-0.0, -0.0",
        "1e-4, 0.0001",
        "1e-5, 1e-05",
        "1.5e-5, 1.5e-05",
        "1e7, 10000000.0",
        "1e16, 1e+16",
        "1.5e16, 1.5e+16",
        "9999999999999998.0, 9999999999999998.0",
        "1e15, 1000000000000000.0",
        "0.05, 0.05",
        "16.0, 16.0",
        "2e-4, 0.0002",
        "3e-4, 0.0003",
        "0.3333333333333333, 0.3333333333333333",
        "123456789.125, 123456789.125",
        "1e-300, 1e-300",
        "1.7976931348623157e308, 1.7976931348623157e+308",
        "5e-324, 5e-324",
        "-2.5e-7, -2.5e-07",
        "0.30000000000000004, 0.30000000000000004",
        "1e22, 1e+22",
        "12345.678, 12345.678",
        "0.00012345, 0.00012345",
        "1e23, 1e+23",
        "2e-323, 2e-323",
        "9.5e-5, 9.5e-05",
    })
    void aFloatIsWrittenAsPythonsRepr(double value, String python) {
        assertThat(PeftJson.pythonFloat(value)).isEqualTo(python);
    }
}
