package dev.lathe.models.format.safetensors;

import static dev.lathe.models.format.safetensors.SafetensorsFileTest.file;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Corrupt, truncated and random inputs: the reader must reject them with a
 * {@link SafetensorsFormatException} (or accept them and then read every tensor without error),
 * never crash, hang, run out of memory or throw anything else.
 */
class SafetensorsFuzzTest {
    /** A small valid file with every loadable dtype, an unsupported one, an empty tensor and metadata. */
    private static final byte[] VALID = file("""
            {"__metadata__":{"format":"pt"},\
            "a":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},\
            "b":{"dtype":"F16","shape":[5],"data_offsets":[24,34]},\
            "c":{"dtype":"BF16","shape":[],"data_offsets":[34,36]},\
            "d":{"dtype":"I64","shape":[1],"data_offsets":[40,48]},\
            "e":{"dtype":"F32","shape":[0,7],"data_offsets":[48,48]}}    """, filler(48));
    private static final int HEADER_END = 8 + (int) ByteBuffer.wrap(VALID).order(ByteOrder.LITTLE_ENDIAN).getLong();

    private static byte[] filler(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 37 + 11);
        }
        return b;
    }

    /** Parses in memory and, if accepted, reads every tensor in full. */
    private static void survives(byte[] bytes) {
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            try {
                readAll(SafetensorsFile.of(Path.of("fuzz.safetensors"), MemorySegment.ofArray(bytes)));
            } catch (SafetensorsFormatException expected) {
                assertThat(expected.getMessage()).contains("fuzz.safetensors");
            }
        });
    }

    private static void readAll(SafetensorsFile f) {
        for (String name : f.names()) {
            TensorInfo info = f.info(name);
            float[] values = f.tensor(name).toFloatArray();
            assertThat((long) values.length).isEqualTo(info.numel());
        }
        f.metadata().forEach((k, v) -> assertThat(k).isNotNull());
        f.unsupported().keySet().forEach(n -> assertThat(f.names()).doesNotContain(n));
    }

    @Property(tries = 1)
    void theUnmodifiedFileIsValid() {
        SafetensorsFile f = SafetensorsFile.of(Path.of("valid"), MemorySegment.ofArray(VALID));
        assertThat(f.names()).containsExactly("a", "b", "c", "e");
        assertThat(f.unsupported()).containsOnlyKeys("d");
    }

    @Property(tries = 1500)
    void bitFlipsAnywhere(@ForAll @Size(min = 1, max = 8) List<@IntRange(min = 0, max = 1 << 20) Integer> flips) {
        byte[] bytes = VALID.clone();
        for (int f : flips) {
            int bit = f % (bytes.length * 8);
            bytes[bit / 8] ^= (byte) (1 << (bit % 8));
        }
        survives(bytes);
    }

    @Property(tries = 1500)
    void byteOverwritesInTheHeader(@ForAll @Size(min = 1, max = 4) List<@IntRange(min = 0, max = 1 << 20) Integer> at,
            @ForAll @Size(min = 4, max = 4) List<@IntRange(min = 0, max = 255) Integer> values) {
        byte[] bytes = VALID.clone();
        for (int i = 0; i < at.size(); i++) {
            bytes[8 + at.get(i) % (HEADER_END - 8)] = (byte) (int) values.get(i);
        }
        survives(bytes);
    }

    @Property(tries = 300)
    void truncation(@ForAll @IntRange(min = 0, max = 1 << 20) int keep) {
        survives(Arrays.copyOf(VALID, keep % VALID.length));
    }

    @Property(tries = 500)
    void anyClaimedHeaderLength(@ForAll long claimed) {
        byte[] bytes = VALID.clone();
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(0, claimed);
        survives(bytes);
    }

    @Property(tries = 500)
    void randomBytes(@ForAll @Size(max = 300) byte[] bytes) {
        survives(bytes);
    }

    @Property(tries = 500)
    void randomBytesBehindAPlausibleLength(@ForAll @Size(max = 300) byte[] body, @ForAll @IntRange(max = 300) int n) {
        byte[] bytes = ByteBuffer.allocate(8 + body.length).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(n).put(body).array();
        survives(bytes);
    }

    /** Well-formed JSON with hostile values: hits the semantic checks rather than the JSON parser. */
    @Property(tries = 1500)
    void wellFormedHeadersWithHostileNumbers(@ForAll("entries") List<String> entries,
            @ForAll @IntRange(max = 64) int dataBytes) {
        String header = "{" + String.join(",", entries) + "}";
        survives(file(header, filler(dataBytes)));
    }

    @Provide
    Arbitrary<List<String>> entries() {
        Arbitrary<String> dtype = Arbitraries.of("F32", "F16", "BF16", "I64", "U8", "BOOL", "F4", "F6_E2M3", "F64",
                "f32", "", "F8_E4M3");
        Arbitrary<Long> number = Arbitraries.oneOf(Arbitraries.longs().between(-2, 70),
                Arbitraries.of(0L, 1L, 4L, 8L, 16L, (long) Integer.MAX_VALUE, 1L << 31, 1L << 32, Long.MAX_VALUE,
                        Long.MIN_VALUE, 1L << 62, -1L));
        Arbitrary<String> shape = number.list().ofMaxSize(4).map(List::toString);
        Arbitrary<String> offsets = number.list().ofMinSize(0).ofMaxSize(3).map(List::toString);
        Arbitrary<String> name = Arbitraries.of("w", "x", "y", "__metadata__", "");
        Arbitrary<String> entry = Combinators.combine(name, dtype, shape, offsets).as((n, d, s, o) ->
                "\"" + n + "\":{\"dtype\":\"" + d + "\",\"shape\":" + s + ",\"data_offsets\":" + o + "}");
        return entry.list().ofMaxSize(4);
    }

    @Property(tries = 40)
    void mappedFilesSurviveCorruptionToo(@ForAll @Size(min = 1, max = 8) List<@IntRange(min = 0, max = 1 << 20)
            Integer> flips) throws IOException {
        byte[] bytes = VALID.clone();
        for (int f : flips) {
            int bit = f % (bytes.length * 8);
            bytes[bit / 8] ^= (byte) (1 << (bit % 8));
        }
        Path path = Files.createTempFile("fuzz", ".safetensors");
        try {
            Files.write(path, bytes);
            try (SafetensorsFile f = SafetensorsFile.open(path)) {
                readAll(f);
            } catch (SafetensorsFormatException expected) {
                assertThat(expected.getMessage()).contains(path.toString());
            }
        } finally {
            Files.delete(path);
        }
    }

    @Property(tries = 1)
    void metadataSurvivesInTheValidFile() {
        assertThat(SafetensorsFile.of(Path.of("v"), MemorySegment.ofArray(VALID)).metadata())
                .isEqualTo(Map.of("format", "pt"));
    }
}
