package dev.lathe.serve.embeddings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** OpenAI's four input shapes and the two encoding formats, with errors that name the parameter. */
class EmbeddingInputTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void readsAStringStringsTokenIdsAndTokenIdArrays() throws Exception {
        assertThat(EmbeddingInput.parse(JSON.readTree("\"hi\""))).isEqualTo(new EmbeddingInput.Texts(java.util.List.of("hi")));
        assertThat(((EmbeddingInput.Texts) EmbeddingInput.parse(JSON.readTree("[\"a\", \"b\"]"))).texts())
                .containsExactly("a", "b");
        EmbeddingInput.Tokens one = (EmbeddingInput.Tokens) EmbeddingInput.parse(JSON.readTree("[1, 2, 3]"));
        assertThat(one.sequences()).hasSize(1);
        assertThat(one.sequences().getFirst()).containsExactly(1, 2, 3);
        EmbeddingInput.Tokens many = (EmbeddingInput.Tokens) EmbeddingInput.parse(JSON.readTree("[[1], [2, 3]]"));
        assertThat(many.size()).isEqualTo(2);
        assertThat(many.sequences().get(1)).containsExactly(2, 3);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "null|is required", "[]|non-empty array", "\"\"|empty string", "[\"a\", 1]|input[1] is a number",
            "[1, -2]|input[1] = -2", "[1, 2.5]|input[1] = 2.5", "[[1], 2]|input[1] is a number", "[[]]|empty token array",
            "{\"text\": \"a\"}|an object", "[true]|input[0] is a boolean", "[1, 9999999999]|9999999999"})
    void malformedInputsNameTheInputParameter(String json, String message) {
        assertThatThrownBy(() -> EmbeddingInput.parse(JSON.readTree(json)))
                .isInstanceOfSatisfying(EmbeddingParameterException.class, e -> assertThat(e.param()).isEqualTo("input"))
                .hasMessageContaining(message);
    }

    @Test
    void base64IsLittleEndianFloat32AndRoundTrips() {
        // 1.0f is 0x3F800000: little-endian bytes 00 00 80 3F.
        assertThat(EncodingFormat.toBase64(new float[] {1f})).isEqualTo("AACAPw==");
        assertThat(EncodingFormat.toBase64(new float[] {1f, -2f})).isEqualTo("AACAPwAAAMA=");
        Random r = new Random(3);
        float[] v = new float[384];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        v[5] = Float.MIN_VALUE;
        v[6] = -0f;
        assertThat(EncodingFormat.fromBase64(EncodingFormat.toBase64(v))).containsExactly(v);
    }

    @Test
    void encodingFormatAcceptsFloatAndBase64Only() {
        assertThat(EncodingFormat.parse(null)).isEqualTo(EncodingFormat.FLOAT);
        assertThat(EncodingFormat.parse("float")).isEqualTo(EncodingFormat.FLOAT);
        assertThat(EncodingFormat.parse("base64")).isEqualTo(EncodingFormat.BASE64);
        assertThatThrownBy(() -> EncodingFormat.parse("binary"))
                .isInstanceOfSatisfying(EmbeddingParameterException.class,
                        e -> assertThat(e.param()).isEqualTo("encoding_format"));
    }
}
