package dev.lathe.models.format.gguf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lathe.engine.tensor.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Corrupted GGUF files fail with a GgufFormatException or load; never another exception, hang or OOM. */
class GgufFuzzTest {
    private static final byte[] GOOD = sample();

    private static byte[] sample() {
        try {
            Path tmp = Files.createTempDirectory("gguf-fuzz");
            GgufWriter w = new GgufWriter();
            w.put("general.architecture", GgufValue.string("llama"));
            w.put("tokenizer.ggml.tokens", GgufValue.strings(List.of("<unk>", "a", "b", "ab")));
            w.put("tokenizer.ggml.scores", GgufValue.floats(new float[] {0, -1, -2, -3}));
            w.put("x.nested", new GgufValue(GgufValueType.ARRAY, GgufValueType.ARRAY,
                    List.of(GgufValue.ints(new int[] {1, 2}))));
            w.put("x.flag", GgufValue.bool(true));
            w.tensor("w", Tensor.randn(1, 2, 32), GgmlType.Q8_0);
            w.tensor("v", Tensor.randn(2, 32), GgmlType.Q4_0);
            w.tensor("h", Tensor.randn(3, 4, 3), GgmlType.F16);
            Path p = tmp.resolve("s.gguf");
            w.write(p);
            byte[] b = Files.readAllBytes(p);
            Files.delete(p);
            Files.delete(tmp);
            return b;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void loadOrReject(byte[] bytes) {
        try {
            GgufFile f = GgufFileTest.parse(bytes);
            for (String name : f.tensorInfos().keySet()) {
                f.tensor(name).toFloatArray();
            }
            if (f.metadata().containsKey("tokenizer.ggml.tokens")) {
                try {
                    GgufTokenizer.fromGguf(f).tokenizerJson();
                } catch (GgufFormatException e) {
                    assertThat(e).hasMessageContaining("test.gguf");
                }
            }
        } catch (GgufFormatException e) {
            assertThat(e).hasMessageContaining("test.gguf");
        }
    }

    @Property(tries = 300)
    void truncatedFilesAreRejectedCleanly(@ForAll @IntRange(min = 0, max = 2000) int cut) {
        int length = Math.min(cut, GOOD.length - 1);
        loadOrReject(Arrays.copyOf(GOOD, length));
    }

    @Property(tries = 1500)
    void bitFlipsAreRejectedCleanly(@ForAll @IntRange(min = 0, max = 100_000) int position,
            @ForAll @IntRange(min = 0, max = 7) int bit, @ForAll @IntRange(min = 0, max = 7) int bit2) {
        byte[] b = GOOD.clone();
        int at = position % b.length;
        b[at] ^= (byte) (1 << bit);
        b[(at * 31 + 7) % b.length] ^= (byte) (1 << bit2);
        loadOrReject(b);
    }
}
