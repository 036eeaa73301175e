package dev.lathe.models.format.safetensors;

import dev.lathe.engine.testing.BundledModels;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.lathe.engine.tensor.DType;
import dev.lathe.engine.tensor.Tensor;
import dev.lathe.engine.tensor.TensorArena;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SafetensorsFileTest {
    @TempDir
    Path dir;

    static Path tinyStories() throws URISyntaxException {
        return BundledModels.path("TinyStories-656K/model.safetensors");
    }

    /** A file from a header written by hand and a data section. */
    static byte[] file(String header, byte[] data) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        return b.putLong(h.length).put(h).put(data).array();
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void tensorsOfEachTypeRoundTripBitForBit(DType dtype) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("b.weight", Tensor.randn(1, 7, 13).to(dtype));
        tensors.put("a.bias", Tensor.randn(2, 13).to(dtype));
        tensors.put("scalar", Tensor.scalar(3.5f).to(dtype));
        tensors.put("empty", Tensor.zeros(0, 4).to(dtype));
        Path path = dir.resolve("m.safetensors");
        SafetensorsWriter.write(path, tensors, Map.of("format", "pt", "note", "é \" \\ ünïcode"));

        try (SafetensorsFile f = SafetensorsFile.open(path)) {
            assertThat(f.names()).containsExactly("b.weight", "a.bias", "scalar", "empty");
            assertThat(f.metadata()).containsEntry("format", "pt").containsEntry("note", "é \" \\ ünïcode");
            assertThat(f.path()).isEqualTo(path);
            for (var e : tensors.entrySet()) {
                Tensor read = f.tensor(e.getKey());
                assertThat(read.dtype()).isEqualTo(dtype);
                assertThat(read.shape()).isEqualTo(e.getValue().shape());
                assertThat(read.data().toArray(ValueLayout.JAVA_BYTE))
                        .isEqualTo(e.getValue().data().toArray(ValueLayout.JAVA_BYTE));
            }
            // Written contiguously, in the given order.
            assertThat(f.info("b.weight")).isEqualTo(new TensorInfo("b.weight", dtype, new int[] {7, 13}, 0,
                    91L * dtype.byteSize()));
            assertThat(f.info("a.bias").begin()).isEqualTo(91L * dtype.byteSize());
            assertThat(f.info("scalar").shape()).isEmpty();
            assertThat(f.info("empty").byteSize()).isZero();
        }
    }

    @Test
    void theHeaderIsPaddedWithSpacesSoTheDataStartsEightByteAligned() throws IOException {
        Path path = dir.resolve("p.safetensors");
        SafetensorsWriter.write(path, Map.of("x", Tensor.of(new float[] {1, 2, 3}, 3)), null);
        byte[] bytes = Files.readAllBytes(path);
        long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat((8 + n) % 8).isZero();
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        assertThat(header).startsWith("{\"x\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,12]}}");
        assertThat(header.substring(header.lastIndexOf('}') + 1)).matches(" *");
        assertThat(header).doesNotContain("__metadata__");
        assertThat(bytes.length).isEqualTo(8 + n + 12);
    }

    @Test
    void nonContiguousViewsAreWrittenInLogicalOrder() throws IOException {
        Tensor t = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor transposed = t.view(new int[] {3, 2}, new long[] {1, 3}, 0);
        Path path = dir.resolve("t.safetensors");
        SafetensorsWriter.write(path, Map.of("t", transposed), Map.of());
        try (SafetensorsFile f = SafetensorsFile.open(path)) {
            assertThat(f.tensor("t").toFloatArray()).containsExactly(1, 4, 2, 5, 3, 6);
        }
    }

    @Test
    void readsTinyStoriesWeightsAsTheyAreStored() throws Exception {
        try (SafetensorsFile f = SafetensorsFile.open(tinyStories())) {
            assertThat(f.names()).hasSize(20).contains("lm_head.weight", "model.norm.weight");
            assertThat(f.metadata()).containsEntry("format", "pt");
            assertThat(f.unsupported()).isEmpty();
            Tensor lmHead = f.tensor("lm_head.weight");
            assertThat(lmHead.shape()).containsExactly(2048, 128);
            assertThat(lmHead.dtype()).isEqualTo(DType.F32);
            // Values from NumPy's reading of the same bytes.
            assertThat(lmHead.get(0, 0)).isEqualTo(-0.68359375f);
            assertThat(lmHead.get(2047, 127)).isEqualTo(-0.421875f);
            assertThat(sum(lmHead)).isCloseTo(2512.834466814995, within(1e-6));
            assertThat(sum(f.tensor("model.norm.weight"))).isCloseTo(83.99560546875, within(1e-9));
            Tensor v = f.tensor("model.layers.1.self_attn.v_proj.weight");
            assertThat(v.shape()).containsExactly(64, 128);
            assertThat(sum(v)).isCloseTo(87.1277961730957, within(1e-9));
            assertThat(f.info("model.norm.weight")).isEqualTo(new TensorInfo("model.norm.weight", DType.F32,
                    new int[] {128}, 2623488, 2624000));
        }
    }

    @Test
    void rewritingTinyStoriesReproducesHuggingFacesFileByteForByte() throws Exception {
        Path copy = dir.resolve("copy.safetensors");
        try (SafetensorsFile f = SafetensorsFile.open(tinyStories())) {
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            f.names().forEach(n -> tensors.put(n, f.tensor(n)));
            SafetensorsWriter.write(copy, tensors, f.metadata());
        }
        assertThat(Files.mismatch(copy, tinyStories())).isEqualTo(-1L);
    }

    private static double sum(Tensor t) {
        double s = 0;
        for (float x : t.toFloatArray()) {
            s += x;
        }
        return s;
    }

    @Test
    void closingUnmapsSoTensorsFailInsteadOfReadingFreedMemory() throws Exception {
        SafetensorsFile f = SafetensorsFile.open(tinyStories());
        Tensor t = f.tensor("model.norm.weight");
        f.close();
        f.close(); // idempotent
        assertThatThrownBy(() -> t.get(0)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> f.tensor("model.norm.weight")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void mappedTensorsAreReadOnly() throws Exception {
        try (SafetensorsFile f = SafetensorsFile.open(tinyStories())) {
            Tensor t = f.tensor("model.norm.weight");
            assertThatThrownBy(() -> t.set(1f, 0)).isInstanceOf(RuntimeException.class);
            Tensor copy = t.copyContiguous();
            copy.set(1f, 0);
            assertThat(copy.get(0)).isEqualTo(1f);
        }
    }

    @Test
    void askingForAnAbsentTensorNamesTheFileAndTheTensor() throws Exception {
        try (SafetensorsFile f = SafetensorsFile.open(tinyStories())) {
            assertThatThrownBy(() -> f.tensor("model.embed_tokens.weight"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("model.safetensors").hasMessageContaining("'model.embed_tokens.weight'");
        }
    }

    @Test
    void tensorsOfTypesLatheDoesNotLoadAreListedNotFatal() throws IOException {
        Path path = write("i.safetensors", file("""
                {"position_ids":{"dtype":"I64","shape":[1,2],"data_offsets":[0,16]},\
                "w":{"dtype":"F32","shape":[1],"data_offsets":[16,20]}}""", new byte[20]));
        try (SafetensorsFile f = SafetensorsFile.open(path)) {
            assertThat(f.names()).containsExactly("w");
            assertThat(f.unsupported()).containsExactly(Map.entry("position_ids", "I64"));
            assertThatThrownBy(() -> f.tensor("position_ids")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("i.safetensors").hasMessageContaining("'position_ids'")
                    .hasMessageContaining("I64").hasMessageContaining("F16, BF16, F32");
        }
    }

    @Test
    void alignedTensorsAreMappedAndMisalignedOnesCopied() throws IOException {
        // An F16 of odd length puts the F32 after it at an odd multiple of 2: not float-aligned.
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("aligned", Tensor.of(new float[] {1, 2}, 2));
        tensors.put("odd", Tensor.of(new float[] {3}, 1).to(DType.F16));
        tensors.put("misaligned", Tensor.of(new float[] {4, 5, 6}, 3));
        Path path = dir.resolve("m.safetensors");
        SafetensorsWriter.write(path, tensors, null);
        try (SafetensorsFile f = SafetensorsFile.open(path)) {
            assertThat(f.info("misaligned").begin()).isEqualTo(10);
            assertThat(f.tensor("aligned").storage().isNative()).isTrue();
            assertThat(f.tensor("aligned").toFloatArray()).containsExactly(1, 2);
            Tensor copied = f.tensor("misaligned");
            assertThat(copied.storage().isNative()).isFalse();
            assertThat(copied.toFloatArray()).containsExactly(4, 5, 6);
            assertThat(f.tensor("odd").toFloatArray()).containsExactly(3);
        }
    }

    @Test
    void anAtomicWriteReplacesTheFileAndLeavesNoTemporaryFiles() throws IOException {
        Path path = dir.resolve("a.safetensors");
        SafetensorsWriter.write(path, Map.of("x", Tensor.scalar(1)), null);
        SafetensorsWriter.write(path, Map.of("y", Tensor.scalar(2)), null);
        try (SafetensorsFile f = SafetensorsFile.open(path)) {
            assertThat(f.names()).containsExactly("y");
        }
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(path);
        }
    }

    @Test
    void aFailedWriteLeavesTheOldFileAndNoTemporaryFiles() throws IOException {
        Path path = dir.resolve("a.safetensors");
        SafetensorsWriter.write(path, Map.of("x", Tensor.scalar(1)), null);
        byte[] before = Files.readAllBytes(path);
        TensorArena arena = TensorArena.open();
        Tensor freed = arena.call(() -> Tensor.zeros(4));
        arena.close();
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("ok", Tensor.scalar(1));
        tensors.put("freed", freed);
        assertThatThrownBy(() -> SafetensorsWriter.write(path, tensors, null))
                .isInstanceOf(IllegalStateException.class);
        assertThat(Files.readAllBytes(path)).isEqualTo(before);
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(path);
        }
    }

    @Test
    void theWriterRefusesTheReservedMetadataName() {
        assertThatThrownBy(() -> SafetensorsWriter.write(dir.resolve("r.safetensors"),
                Map.of("__metadata__", Tensor.scalar(1)), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reserved");
    }

    @Test
    void largeTensorsAreWrittenInPieces() throws IOException {
        Tensor big = Tensor.randn(3, 700_001); // > 2 MB: several staging chunks, an odd tail
        Path path = dir.resolve("big.safetensors");
        SafetensorsWriter.write(path, Map.of("big", big), null);
        try (SafetensorsFile f = SafetensorsFile.open(path)) {
            assertThat(f.tensor("big").toFloatArray()).isEqualTo(big.toFloatArray());
        }
    }

    @Test
    void openingAMissingFileIsAnIoError() {
        assertThatThrownBy(() -> SafetensorsFile.open(dir.resolve("none.safetensors")))
                .isInstanceOf(IOException.class);
    }

    @Test
    void anInMemoryFileParsesLikeAMappedOne() throws Exception {
        byte[] bytes = Files.readAllBytes(tinyStories());
        SafetensorsFile f = SafetensorsFile.of(Path.of("mem"), MemorySegment.ofArray(bytes));
        assertThat(List.copyOf(f.names())).hasSize(20);
        assertThat(f.tensor("lm_head.weight").get(0, 0)).isEqualTo(-0.68359375f);
    }
}
