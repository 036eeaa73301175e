package dev.lathe.tune.data.clean.pii;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ChecksumsTest {
    @Test
    void luhnAcceptsIssuerTestNumbersAndRejectsOneDigitOff() {
        for (String ok : new String[] {"4111111111111111", "4111 1111 1111 1111", "5555-5555-5555-4444",
                "378282246310005", "6011111111111117", "79927398713"}) {
            assertThat(Checksums.luhnValid(ok)).as(ok).isTrue();
        }
        for (String bad : new String[] {"4111111111111112", "5555555555554445", "378282246310006", "79927398710", "", "4111x"}) {
            assertThat(Checksums.luhnValid(bad)).as(bad).isFalse();
        }
    }

    @Test
    void ibanPassesMod97WithSpacesOrWithout() {
        for (String ok : new String[] {"GB82 WEST 1234 5698 7654 32", "GB82WEST12345698765432", "DE89370400440532013000",
                "FR1420041010050500013M02606", "NL91ABNA0417164300"}) {
            assertThat(Checksums.ibanValid(ok)).as(ok).isTrue();
        }
        for (String bad : new String[] {"GB82 WEST 1234 5698 7654 33", "GB28WEST12345698765432", "DE8937040044", "1234567890123456"}) {
            assertThat(Checksums.ibanValid(bad)).as(bad).isFalse();
        }
    }

    @Test
    void ipAddressesAreValidatedPartByPart() {
        assertThat(Checksums.ipv4Valid("192.168.0.1")).isTrue();
        assertThat(Checksums.ipv4Valid("256.1.1.1")).isFalse();
        assertThat(Checksums.ipv4Valid("01.2.3.4")).isFalse();
        for (String ok : new String[] {"2001:db8::8a2e:370:7334", "2001:0db8:85a3:0000:0000:8a2e:0370:7334", "::1", "fe80::",
                "::ffff:192.0.2.128"}) {
            assertThat(Checksums.ipv6Valid(ok)).as(ok).isTrue();
        }
        for (String bad : new String[] {"10:30", "10:30:15", "1::2::3", "12345::1", "::", "2001:db8:::1", "g::1", ":1:2:3:4:5:6:7"}) {
            assertThat(Checksums.ipv6Valid(bad)).as(bad).isFalse();
        }
    }
}
