package dev.lathe.models.format.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ProtoReaderTest {
    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    @Test
    void readsKeysVarintsFixedAndLengthDelimitedFields() {
        // field 1 varint 300; field 2 fixed32 1.0f; field 3 string "ab"; field 4 packed varints [1, 150]
        ProtoReader r = new ProtoReader(bytes(0x08, 0xac, 0x02, 0x15, 0x00, 0x00, 0x80, 0x3f,
                0x1a, 0x02, 'a', 'b', 0x22, 0x03, 0x01, 0x96, 0x01), "test");
        int k = r.key();
        assertThat(ProtoReader.field(k)).isEqualTo(1);
        assertThat(ProtoReader.wireType(k)).isEqualTo(ProtoReader.VARINT);
        assertThat(r.varint()).isEqualTo(300);
        assertThat(ProtoReader.field(r.key())).isEqualTo(2);
        assertThat(Float.intBitsToFloat(r.fixed32())).isEqualTo(1.0f);
        assertThat(ProtoReader.field(r.key())).isEqualTo(3);
        assertThat(r.string()).isEqualTo("ab");
        k = r.key();
        ProtoReader.LongList packed = new ProtoReader.LongList();
        r.repeatedVarint(ProtoReader.wireType(k), packed);
        assertThat(packed.toArray()).containsExactly(1, 150);
        assertThat(r.hasNext()).isFalse();
    }

    @Test
    void negativeInt64VarintsDecodeAsTenBytes() {
        // -1 as int64: ten bytes, all 0xff but the last 0x01 (the ReduceMean axes of the MiniLM export)
        ProtoReader r = new ProtoReader(bytes(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01), "t");
        assertThat(r.varint()).isEqualTo(-1L);
    }

    @Test
    void skipsUnknownFieldsOfEveryWireType() {
        ProtoReader r = new ProtoReader(bytes(0x08, 0x05, 0x11, 1, 2, 3, 4, 5, 6, 7, 8, 0x1a, 0x01, 9,
                0x25, 1, 2, 3, 4, 0x28, 0x07), "t");
        for (int i = 0; i < 4; i++) {
            r.skip(ProtoReader.wireType(r.key()));
        }
        r.key();
        assertThat(r.varint()).isEqualTo(7);
    }

    @Test
    void truncatedOrOverlongInputIsReportedWithItsOffset() {
        assertThatThrownBy(() -> new ProtoReader(bytes(0x80), "model.onnx").varint())
                .hasMessageContaining("model.onnx").hasMessageContaining("truncated varint");
        ProtoReader r = new ProtoReader(bytes(0x0a, 0x05, 'a'), "model.onnx");
        r.key();
        assertThatThrownBy(r::string).hasMessageContaining("length 5 runs past the end");
        ProtoReader g = new ProtoReader(bytes(0x0b), "model.onnx");
        assertThatThrownBy(() -> g.skip(ProtoReader.wireType(g.key()))).hasMessageContaining("wire type 3");
    }

    @Test
    void aFileWithoutAGraphIsNotAnOnnxModel() {
        assertThatThrownBy(() -> OnnxReader.read(bytes(0x08, 0x06), "x.onnx"))
                .hasMessageContaining("x.onnx").hasMessageContaining("no graph");
    }
}
