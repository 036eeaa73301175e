package dev.lathe.engine.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class Sha256Test {
    @Test
    void hexMatchesTheFips180TestVector() {
        assertThat(Sha256.hex("abc"))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void eachDigestIsFreshAndStreamsParts() {
        var d = Sha256.digest();
        d.update("a".getBytes(StandardCharsets.UTF_8));
        d.update("bc".getBytes(StandardCharsets.UTF_8));
        assertThat(HexFormat.of().formatHex(d.digest())).isEqualTo(Sha256.hex("abc"));
        assertThat(Sha256.digest()).isNotSameAs(Sha256.digest());
    }
}
