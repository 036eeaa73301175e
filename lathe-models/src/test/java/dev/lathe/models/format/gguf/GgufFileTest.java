package dev.lathe.models.format.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lathe.engine.tensor.DType;
import dev.lathe.engine.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GgufFileTest {
    @TempDir
    Path dir;

    /** Little-endian bytes built by hand, independent of the writer. */
    static final class Bytes {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Bytes u32(long v) {
            out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) v).array());
            return this;
        }

        Bytes u64(long v) {
            out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
            return this;
        }

        Bytes u16(int v) {
            out.writeBytes(ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort((short) v).array());
            return this;
        }

        Bytes str(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            u64(b.length);
            out.writeBytes(b);
            return this;
        }

        Bytes raw(int... b) {
            for (int x : b) {
                out.write(x);
            }
            return this;
        }

        Bytes padTo(int alignment) {
            while (out.size() % alignment != 0) {
                out.write(0);
            }
            return this;
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    static GgufFile parse(byte[] b) {
        return GgufFile.parse(Path.of("test.gguf"), MemorySegment.ofArray(b));
    }

    /** A file with one F32 tensor of GGUF dims [3, 2] (innermost first) and one Q4_0 block. */
    static byte[] handMade() {
        Bytes b = new Bytes().raw('G', 'G', 'U', 'F').u32(3).u64(2).u64(2);
        b.str("general.architecture").u32(8).str("llama");
        b.str("a.list").u32(9).u32(5).u64(3).u32(1).u32(-2).u32(3);
        b.str("m").u32(2).u64(3).u64(2).u32(0).u64(0);
        b.str("q").u32(1).u64(32).u32(2).u64(32);
        b.padTo(32);
        for (int i = 0; i < 6; i++) {
            b.out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(i).array());
        }
        b.padTo(32);
        b.u16(Float.floatToFloat16(0.5f)); // d
        for (int i = 0; i < 16; i++) {
            b.raw((i & 0xF) | ((15 - i) << 4));
        }
        return b.bytes();
    }

    @Test
    void aHandMadeFileReadsWithReversedDimsAndTheSpecNibbleOrder() {
        GgufFile f = parse(handMade());
        assertThat(f.version()).isEqualTo(3);
        assertThat(f.string("general.architecture", null)).isEqualTo("llama");
        assertThat(f.metadata().get("a.list").asInts()).containsExactly(1, -2, 3);
        Tensor m = f.tensor("m");
        assertThat(m.shape()).containsExactly(2, 3);
        assertThat(m.dtype()).isEqualTo(DType.F32);
        assertThat(m.get(1, 0)).isEqualTo(3f);
        Tensor q = f.tensor("q");
        assertThat(q.shape()).containsExactly(32);
        for (int i = 0; i < 16; i++) {
            assertThat(q.get(i)).isEqualTo((i - 8) * 0.5f);          // low nibbles: elements 0..15
            assertThat(q.get(i + 16)).isEqualTo((15 - i - 8) * 0.5f); // high nibbles: 16..31
        }
    }

    @Test
    void everyValueTypeAndEveryStoredTensorTypeSurvivesAWriteAndRead() throws IOException {
        GgufWriter w = new GgufWriter();
        w.put("t.u8", new GgufValue(GgufValueType.UINT8, null, 200L));
        w.put("t.i8", new GgufValue(GgufValueType.INT8, null, -5L));
        w.put("t.u16", new GgufValue(GgufValueType.UINT16, null, 60000L));
        w.put("t.i16", new GgufValue(GgufValueType.INT16, null, -300L));
        w.put("t.u32", GgufValue.u32(4_000_000_000L));
        w.put("t.i32", GgufValue.i32(-7));
        w.put("t.u64", GgufValue.u64(1L << 40));
        w.put("t.i64", new GgufValue(GgufValueType.INT64, null, -(1L << 40)));
        w.put("t.f32", GgufValue.f32(1.5f));
        w.put("t.f64", new GgufValue(GgufValueType.FLOAT64, null, 2.25));
        w.put("t.bool", GgufValue.bool(true));
        w.put("t.str", GgufValue.string("héllo ▁"));
        w.put("t.strs", GgufValue.strings(List.of("a", "", "ü")));
        w.put("t.floats", GgufValue.floats(new float[] {1, -2}));
        w.put("t.bytes", new GgufValue(GgufValueType.ARRAY, GgufValueType.UINT8, new byte[] {(byte) 255, 1}));
        w.put("t.bools", new GgufValue(GgufValueType.ARRAY, GgufValueType.BOOL, new boolean[] {true, false}));
        w.put("t.nested", new GgufValue(GgufValueType.ARRAY, GgufValueType.ARRAY,
                List.of(GgufValue.ints(new int[] {1, 2}), GgufValue.strings(List.of("x")))));
        w.put("general.alignment", GgufValue.u32(64));
        Tensor x = Tensor.randn(7, 3, 64);
        w.tensor("f32", x, GgmlType.F32);
        w.tensor("f16", x, GgmlType.F16);
        w.tensor("bf16", x, GgmlType.BF16);
        w.tensor("q8", x, GgmlType.Q8_0);
        w.tensor("q4", x, GgmlType.Q4_0);
        Path p = dir.resolve("all.gguf");
        w.write(p);

        GgufFile f = GgufFile.open(p);
        assertThat(f.alignment()).isEqualTo(64);
        assertThat(f.integer("t.u8", 0)).isEqualTo(200);
        assertThat(f.integer("t.i8", 0)).isEqualTo(-5);
        assertThat(f.integer("t.u16", 0)).isEqualTo(60000);
        assertThat(f.integer("t.i16", 0)).isEqualTo(-300);
        assertThat(f.integer("t.u32", 0)).isEqualTo(4_000_000_000L);
        assertThat(f.integer("t.i32", 0)).isEqualTo(-7);
        assertThat(f.integer("t.u64", 0)).isEqualTo(1L << 40);
        assertThat(f.integer("t.i64", 0)).isEqualTo(-(1L << 40));
        assertThat(f.number("t.f32", 0)).isEqualTo(1.5);
        assertThat(f.number("t.f64", 0)).isEqualTo(2.25);
        assertThat(f.bool("t.bool", false)).isTrue();
        assertThat(f.string("t.str", null)).isEqualTo("héllo ▁");
        assertThat(f.metadata().get("t.strs").asStrings()).containsExactly("a", "", "ü");
        assertThat(f.metadata().get("t.floats").asFloats()).containsExactly(1, -2);
        assertThat(f.metadata().get("t.bytes").asLongs()).containsExactly(255, 1);
        assertThat((boolean[]) f.metadata().get("t.bools").value()).containsExactly(true, false);
        @SuppressWarnings("unchecked")
        List<GgufValue> nested = (List<GgufValue>) f.metadata().get("t.nested").value();
        assertThat(nested.get(0).asInts()).containsExactly(1, 2);
        assertThat(nested.get(1).asStrings()).containsExactly("x");
        for (GgufTensorInfo info : f.tensorInfos().values()) {
            assertThat(info.fileOffset() % 64).isZero();
            assertThat(info.shape()).containsExactly(3, 64);
        }
        assertThat(f.tensor("f32").toFloatArray()).containsExactly(x.toFloatArray());
        assertThat(f.tensor("f16").dtype()).isEqualTo(DType.F16);
        assertThat(f.tensor("f16").toFloatArray()).containsExactly(x.to(DType.F16).toFloatArray());
        assertThat(f.tensor("bf16").toFloatArray()).containsExactly(x.to(DType.BF16).toFloatArray());
        assertClose(f.tensor("q8").toFloatArray(), x.toFloatArray(), 127);
        assertClose(f.tensor("q4").toFloatArray(), x.toFloatArray(), 8);
    }

    /** Each block's error is at most half a step (plus f16 rounding of the scale) of max|x| / levels. */
    static void assertClose(float[] actual, float[] expected, int levels) {
        for (int b = 0; b < expected.length / 32; b++) {
            float amax = 0;
            for (int i = 0; i < 32; i++) {
                amax = Math.max(amax, Math.abs(expected[b * 32 + i]));
            }
            for (int i = 0; i < 32; i++) {
                assertThat(Math.abs(actual[b * 32 + i] - expected[b * 32 + i]))
                        .isLessThanOrEqualTo(amax / levels * 0.51f + amax * 2e-3f);
            }
        }
    }

    private static void assertRejected(byte[] bytes, String... fragments) {
        assertThatThrownBy(() -> parse(bytes)).isInstanceOf(GgufFormatException.class)
                .hasMessageContaining("test.gguf").hasMessageContainingAll(fragments);
    }

    @Test
    void badFilesAreRejectedWithTheirDefectNamed() {
        byte[] good = handMade();
        byte[] magic = good.clone();
        magic[0] = 'X';
        assertRejected(magic, "header", "not a GGUF file");
        byte[] v1 = good.clone();
        v1[4] = 1;
        assertRejected(v1, "version 1");
        assertRejected(java.util.Arrays.copyOf(good, good.length - 1), "tensor 'q'", "past the end");
        assertRejected(java.util.Arrays.copyOf(good, 30), "cannot fit");
        assertRejected(new Bytes().raw('G', 'G', 'U', 'F').u32(3).u64(0).u64(1L << 40).bytes(), "metadata_kv_count");
        assertRejected(new Bytes().raw('G', 'G', 'U', 'F').u32(3).u64(0).u64(1).str("k").u32(7).raw(2).bytes(),
                "metadata key 'k'", "bool value is 2");
        assertRejected(new Bytes().raw('G', 'G', 'U', 'F').u32(3).u64(0).u64(2).str("k").u32(4).u32(1)
                .str("k").u32(4).u32(1).bytes(), "metadata key 'k'", "twice");
        assertRejected(new Bytes().raw('G', 'G', 'U', 'F').u32(3).u64(0).u64(1).str("k").u32(8).u64(1L << 50)
                .bytes(), "metadata key 'k'", "exceeds the limit");
        assertRejected(new Bytes().raw('G', 'G', 'U', 'F').u32(3).u64(0).u64(1).str("k").u32(9).u32(4).u64(1L << 40)
                .bytes(), "metadata key 'k'", "array length");
        assertRejected(new Bytes().raw('G', 'G', 'U', 'F').u32(3).u64(0).u64(1).str("general.alignment").u32(4)
                .u32(12).bytes(), "general.alignment", "multiple of 8");
    }

    /** One tensor "t" of dims [n0] and the given type and offset, then 64 bytes of data. */
    static byte[] tensorFile(long n0, long type, long offset, int extra) {
        Bytes b = new Bytes().raw('G', 'G', 'U', 'F').u32(3).u64(1).u64(0);
        b.str("t").u32(1).u64(n0).u32(type).u64(offset).padTo(32);
        b.out.writeBytes(new byte[64 + extra]);
        return b.bytes();
    }

    @Test
    void tensorsMustFitTheirTypeAndTheFile() {
        assertRejected(tensorFile(16, 99, 0, 0), "tensor 't'", "unknown ggml type 99");
        assertRejected(tensorFile(16, 8, 0, 0), "tensor 't'", "not a multiple of the Q8_0 block size");
        assertRejected(tensorFile(16, 0, 8, 0), "tensor 't'", "not a multiple of the alignment");
        assertRejected(tensorFile(17, 0, 0, 0), "tensor 't'", "past the end");
        assertRejected(tensorFile(1L << 40, 0, 0, 0), "tensor 't'", "more than an int");
        assertRejected(tensorFile(16, 0, -32, 0), "tensor 't'", "past the end");
        assertThat(parse(tensorFile(16, 0, 0, 0)).tensor("t").shape()).containsExactly(16);
        GgufFile k = parse(tensorFile(256, 12, 0, 80)); // Q4_K: known, not loadable
        assertThatThrownBy(() -> k.tensor("t")).isInstanceOf(GgufFormatException.class)
                .hasMessageContainingAll("tensor 't'", "Q4_K");
    }

    @Test
    void overlappingTensorsAreRejected() {
        Bytes c = new Bytes().raw('G', 'G', 'U', 'F').u32(3).u64(2).u64(0);
        c.str("a").u32(1).u64(16).u32(0).u64(0);
        c.str("b").u32(1).u64(16).u32(0).u64(32).padTo(32);
        c.out.writeBytes(new byte[128]);
        assertRejected(c.bytes(), "tensor 'b'", "overlaps tensor 'a'");
    }
}
