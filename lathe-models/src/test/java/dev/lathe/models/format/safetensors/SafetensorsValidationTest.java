package dev.lathe.models.format.safetensors;

import static dev.lathe.models.format.safetensors.SafetensorsFileTest.file;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every defect the reader detects, each reported with the file, the tensor and the defect. */
class SafetensorsValidationTest {
    @TempDir
    Path dir;

    private void assertRejected(byte[] bytes, String... fragments) throws IOException {
        Path path = Files.write(dir.resolve("bad.safetensors"), bytes);
        assertThatThrownBy(() -> SafetensorsFile.open(path).close())
                .isInstanceOf(SafetensorsFormatException.class)
                .hasMessageContaining(path.toString())
                .hasMessageContainingAll(fragments);
    }

    private void assertRejected(String header, int dataBytes, String... fragments) throws IOException {
        assertRejected(file(header, new byte[dataBytes]), fragments);
    }

    private static String one(String entry) {
        return "{\"w\":" + entry + "}";
    }

    @Test
    void aFileTooShortForTheLengthField() throws IOException {
        assertRejected(new byte[5], "5 bytes", "too short");
        assertRejected(new byte[0], "0 bytes", "too short");
    }

    @Test
    void aHeaderLengthBeyondTheFile() throws IOException {
        byte[] bytes = file("{}", new byte[0]);
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 3);
        assertRejected(bytes, "header of 3 bytes", "2 bytes after the length field");
    }

    @Test
    void aHugeOrUnsignedHeaderLengthIsRejectedBeforeAnythingIsAllocated() throws IOException {
        byte[] bytes = file("{}", new byte[0]);
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(0, -1L);
        assertRejected(bytes, "header of 18446744073709551615 bytes");
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 200L * 1024 * 1024);
        assertRejected(bytes, "header of 209715200 bytes", "limited to 104857600");
    }

    @Test
    void malformedJson() throws IOException {
        assertRejected("{\"w\": {", 0, "not valid JSON");
        assertRejected("", 0, "not a JSON object");
        assertRejected("[1, 2]", 0, "not a JSON object");
        assertRejected("{} x", 0, "not valid JSON");
        assertRejected("{}\0\0", 0, "not valid JSON");
    }

    @Test
    void aHeaderThatIsNotUtf8() throws IOException {
        byte[] bytes = file("{\"w\":1}", new byte[0]);
        bytes[10] = (byte) 0xC3; // a lead byte followed by an ASCII byte
        assertRejected(bytes, "not valid UTF-8");
    }

    @Test
    void deepNestingFailsAsJsonRatherThanOverflowingTheStack() throws IOException {
        assertRejected("{\"w\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}", 0, "not valid JSON", "nesting");
    }

    @Test
    void duplicateTensorNames() throws IOException {
        String e = "{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}";
        assertRejected("{\"w\":" + e + ",\"w\":" + e + "}", 4, "not valid JSON", "Duplicate field 'w'");
    }

    @Test
    void anEntryThatIsNotAnObject() throws IOException {
        assertRejected(one("[1]"), 0, "tensor 'w'", "not a JSON object");
    }

    @Test
    void anUnknownDtypeIsNamedAndTheValidOnesListed() throws IOException {
        assertRejected(one("{\"dtype\":\"F33\",\"shape\":[1],\"data_offsets\":[0,4]}"), 4,
                "tensor 'w'", "unknown dtype \"F33\"", "F32", "BF16", "I64");
        assertRejected(one("{\"dtype\":32,\"shape\":[1],\"data_offsets\":[0,4]}"), 4, "tensor 'w'", "\"dtype\"");
        assertRejected(one("{\"shape\":[1],\"data_offsets\":[0,4]}"), 4, "tensor 'w'", "no \"dtype\"");
    }

    @Test
    void badShapes() throws IOException {
        assertRejected(one("{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}"), 4,
                "tensor 'w'", "negative shape dimension 0: -1");
        assertRejected(one("{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}"), 4,
                "tensor 'w'", "dimension 0", "not an integer");
        assertRejected(one("{\"dtype\":\"F32\",\"shape\":[1,\"2\"],\"data_offsets\":[0,8]}"), 8,
                "tensor 'w'", "dimension 1", "not an integer");
        assertRejected(one("{\"dtype\":\"F32\",\"shape\":[4294967296],\"data_offsets\":[0,4]}"), 4,
                "tensor 'w'", "4294967296", "larger than 2147483647");
        assertRejected(one("{\"dtype\":\"F32\",\"shape\":[99999999999999999999999],\"data_offsets\":[0,4]}"), 4,
                "tensor 'w'", "not an integer");
        assertRejected(one("{\"dtype\":\"F32\",\"data_offsets\":[0,4]}"), 4, "tensor 'w'", "no \"shape\" array");
    }

    @Test
    void aShapeWhoseByteSizeOverflows() throws IOException {
        assertRejected(one("{\"dtype\":\"F32\",\"shape\":[2147483647,2147483647,2147483647],"
                + "\"data_offsets\":[0,4]}"), 4, "tensor 'w'", "overflows");
    }

    @Test
    void badDataOffsets() throws IOException {
        assertRejected(one("{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}"), 4,
                "tensor 'w'", "\"data_offsets\" array of two integers");
        assertRejected(one("{\"dtype\":\"F32\",\"shape\":[1]}"), 4, "tensor 'w'", "\"data_offsets\"");
        assertRejected(one("{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[-4,0]}"), 4,
                "tensor 'w'", "non-negative integers");
        assertRejected(one("{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,4]}"), 8,
                "tensor 'w'", "end before they begin");
    }

    @Test
    void aShapeThatDisagreesWithTheByteCount() throws IOException {
        assertRejected(one("{\"dtype\":\"BF16\",\"shape\":[3],\"data_offsets\":[0,4]}"), 4,
                "tensor 'w'", "shape [3] of BF16 (6 bytes)", "span 4 bytes");
        assertRejected(one("{\"dtype\":\"F4\",\"shape\":[3],\"data_offsets\":[0,2]}"), 4,
                "tensor 'w'", "12 bits, not a whole number of bytes");
    }

    @Test
    void offsetsPastTheDataSectionMeanATruncatedFile() throws IOException {
        assertRejected(one("{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}"), 12,
                "tensor 'w'", "past the end of the data section (12 bytes)", "truncated");
    }

    @Test
    void overlappingTensors() throws IOException {
        assertRejected("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12,
                "tensor 'b'", "overlap", "tensor 'a'");
    }

    @Test
    void emptyTensorsAndGapsAreAccepted() throws IOException {
        Path path = Files.write(dir.resolve("ok.safetensors"), file(
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[4,4]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"c\":{\"dtype\":\"F16\",\"shape\":[],\"data_offsets\":[12,14]}}   ", new byte[16]));
        try (SafetensorsFile f = SafetensorsFile.open(path)) {
            assertThat(f.names()).containsExactly("a", "b", "c");
            assertThat(f.tensor("a").numel()).isZero();
            assertThat(f.tensor("c").item()).isZero();
        }
    }

    @Test
    void metadataMustMapStringsToStrings() throws IOException {
        assertRejected("{\"__metadata__\":{\"total_size\":12}}", 0, "\"__metadata__\" entry \"total_size\"",
                "not a string");
        assertRejected("{\"__metadata__\":[\"pt\"]}", 0, "\"__metadata__\"", "not a JSON object");
    }
}
