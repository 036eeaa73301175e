package dev.lathe.serve.structured;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lathe.models.generate.FinishReason;
import dev.lathe.models.generate.Generation;
import dev.lathe.models.generate.GenerationRequest;
import dev.lathe.models.generate.Generator;
import dev.lathe.models.generate.SamplingParams;
import dev.lathe.models.tokenizer.Tokenizer;
import dev.lathe.models.tokenizer.TokenizerConfig;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Token bytes read from real tokenizer.json files of both layouts, and constrained decoding through them. */
class TokenVocabularyTest {
    private static final String TEXT = "{\"name\": \"caf\u00e9 \u20ac \u65e5\u672c\", \"ok\": true, \"n\": 1200}";

    @TempDir
    Path dir;

    private static byte[] concat(TokenVocabulary v, int[] ids) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int id : ids) {
            out.writeBytes(v.bytes(id));
        }
        return out.toByteArray();
    }

    @Test
    void byteLevelTokensAreReadThroughGpt2sByteAlphabet() throws Exception {
        try (Tokenizer tok = Tokenizer.fromJson(TokenizerFiles.byteLevel(dir), TokenizerConfig.EMPTY)) {
            TokenVocabulary v = TokenVocabulary.of(tok, tok.vocabSize() + 5);
            assertThat(v.encoding()).isEqualTo(TokenVocabulary.Encoding.BYTE_LEVEL);
            assertThat(v.size()).isEqualTo(tok.vocabSize() + 5);
            int[] ids = tok.encode(TEXT, false);
            assertThat(ids.length).isLessThan(TEXT.length()); // merges applied
            assertThat(concat(v, ids)).isEqualTo(TEXT.getBytes(StandardCharsets.UTF_8));
            assertThat(v.bytes(tok.tokenToId("<|endoftext|>").getAsInt())).isNull();
            assertThat(v.bytes(tok.vocabSize() + 2)).as("padding rows of the model's head").isNull();
            assertThat(v.bytes(tok.tokenToId("<think>").getAsInt())).isEqualTo("<think>".getBytes(StandardCharsets.UTF_8));
            assertThat(v.bytes(tok.tokenToId("\u00f1and\u00fa").getAsInt()))
                    .isEqualTo("\u00f1and\u00fa".getBytes(StandardCharsets.UTF_8));
            // A piece holding the first two bytes of the euro sign: partial UTF-8, kept as bytes.
            byte[] euro = "\u20ac".getBytes(StandardCharsets.UTF_8);
            String half = "" + TokenVocabulary.ByteLevelAlphabet.charOf(euro[0] & 0xFF)
                    + TokenVocabulary.ByteLevelAlphabet.charOf(euro[1] & 0xFF);
            assertThat(v.bytes(tok.tokenToId(half).getAsInt())).isEqualTo(Arrays.copyOf(euro, 2));
        }
    }

    @Test
    void sentencePieceTokensMapTheSpaceMarkAndByteFallback() throws Exception {
        try (Tokenizer tok = Tokenizer.fromJson(TokenizerFiles.sentencePiece(dir), TokenizerConfig.EMPTY)) {
            TokenVocabulary v = TokenVocabulary.of(tok, tok.vocabSize());
            assertThat(v.encoding()).isEqualTo(TokenVocabulary.Encoding.SENTENCE_PIECE);
            int[] ids = tok.encode(TEXT, false);
            // The normalizer prepends a space mark; non-ASCII characters fall back to byte tokens.
            assertThat(new String(concat(v, ids), StandardCharsets.UTF_8)).isEqualTo(" " + TEXT);
            assertThat(v.bytes(tok.tokenToId("<0xE2>").getAsInt())).containsExactly((byte) 0xE2);
            assertThat(v.bytes(tok.tokenToId("\u2581name").getAsInt())).isEqualTo(" name".getBytes(StandardCharsets.UTF_8));
            assertThat(v.bytes(tok.tokenToId("</s>").getAsInt())).isNull();
        }
    }

    @Test
    void constrainedSamplingThroughRealTokenizersParsesAndValidates() throws Exception {
        JsonNode schema = ConstrainedSamplingPropertyTest.STRICT.readTree("""
                {"type": "object", "properties": {"name": {"type": "string"}, "tags": {"type": "array",
                 "items": {"enum": ["caf\u00e9", "\u20ac", "x"]}}, "n": {"type": ["integer", "null"]}},
                 "required": ["name", "tags", "n"], "additionalProperties": false}""");
        JsonGrammar grammar = JsonSchemaCompiler.compile(schema);
        for (boolean byteLevel : new boolean[] {true, false}) {
            Path file = byteLevel ? TokenizerFiles.byteLevel(dir.resolve("bl")) : TokenizerFiles.sentencePiece(dir.resolve("sp"));
            try (Tokenizer tok = Tokenizer.fromJson(file, TokenizerConfig.EMPTY)) {
                TokenVocabulary v = TokenVocabulary.of(tok, tok.vocabSize());
                int eos = tok.tokenToId(byteLevel ? "<|endoftext|>" : "</s>").getAsInt();
                float[] bias = new float[v.size()];
                for (int t = 0; t < bias.length; t++) {
                    byte[] b = v.bytes(t);
                    bias[t] = b != null && new String(b, StandardCharsets.ISO_8859_1).matches(".*[\"\\]}].*") ? 3.5f : 0f;
                }
                Generator gen = new Generator((ids, from, to) -> tok.decode(Arrays.copyOfRange(ids, from, to), true));
                for (long seed = 0; seed < 15; seed++) {
                    SamplingParams params = SamplingParams.builder().temperature(1f).seed(seed).maxTokens(3000)
                            .eosTokenIds(Set.of(eos)).build();
                    Generation g = gen.generate(new RandomLogitsModel(v.size(), seed, bias),
                            new GenerationRequest(new int[] {eos}, params, null, null, grammar.constraint(v)));
                    assertThat(g.finishReason()).isIn(FinishReason.STOP, FinishReason.EOS);
                    JsonNode parsed = ConstrainedSamplingPropertyTest.STRICT.readTree(g.text());
                    assertThat(SchemaValidator.validate(parsed, schema)).as(g.text()).isEmpty();
                    assertThat(tok.decode(g.tokenIds(), true)).isEqualTo(g.text());
                }
            }
        }
    }
}
