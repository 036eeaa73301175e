package dev.lathe.models.config;

import dev.lathe.engine.testing.BundledModels;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lathe.engine.op.RopeConfig;
import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ModelConfigTest {
    /** A test resource, or a model of the repository's models/ folder ("bundled/<name>"). */
    private static Path resource(String path) throws URISyntaxException {
        if (path.startsWith("bundled/")) {
            return BundledModels.path(path.substring("bundled/".length()));
        }
        return Path.of(ModelConfigTest.class.getResource("/" + path).toURI());
    }

    @Test
    void tinyStoriesReadsAsATiedGroupedQueryLlama() throws Exception {
        ModelConfig c = ModelConfig.read(resource("bundled/TinyStories-656K"));
        assertThat(c.family()).isEqualTo(ModelFamily.LLAMA);
        assertThat(c.vocabSize()).isEqualTo(2048);
        assertThat(c.hiddenSize()).isEqualTo(128);
        assertThat(c.intermediateSize()).isEqualTo(384);
        assertThat(c.numHiddenLayers()).isEqualTo(2);
        assertThat(c.numAttentionHeads()).isEqualTo(8);
        assertThat(c.numKeyValueHeads()).isEqualTo(4);
        assertThat(c.headDim()).isEqualTo(16);
        assertThat(c.maxPositionEmbeddings()).isEqualTo(512);
        assertThat(c.normEps()).isEqualTo(1e-6);
        assertThat(c.ropeTheta()).isEqualTo(10000.0);
        assertThat(c.ropeScaling()).isEqualTo(new RopeConfig.None());
        assertThat(c.tieWordEmbeddings()).isTrue();
        assertThat(c.hiddenAct()).isEqualTo(Activation.SILU);
        assertThat(c.qkvBias()).isFalse();
        assertThat(c.bosTokenId()).hasValue(1);
        assertThat(c.eosTokenIds()).containsExactly(2);
        assertThat(c.torchDtype()).isEqualTo("float32");
        assertThat(c.ropeConfig()).isEqualTo(new RopeConfig(16, 10000.0));
    }

    @Test
    void llama3RopeScalingAndBf16AreRead() throws Exception {
        ModelConfig c = ModelConfig.read(resource("tiny-models/llama3-rope-bf16"));
        assertThat(c.ropeScaling()).isEqualTo(new RopeConfig.Llama3(8.0, 1.0, 4.0, 16));
        assertThat(c.ropeTheta()).isEqualTo(500000.0);
        assertThat(c.torchDtype()).isEqualTo("bfloat16");
    }

    @Test
    void mistralWithExplicitHeadDimAndLinearScaling() throws Exception {
        ModelConfig c = ModelConfig.read(resource("tiny-models/mistral-head-dim"));
        assertThat(c.family()).isEqualTo(ModelFamily.LLAMA);
        assertThat(c.modelType()).isEqualTo("mistral");
        assertThat(c.headDim()).isEqualTo(12);
        assertThat(c.ropeScaling()).isEqualTo(new RopeConfig.Linear(2.0));
    }

    @Test
    void qwen2HasQkvBiasesButNoOutputBiasAndAListOfEosIds() throws Exception {
        ModelConfig c = ModelConfig.read(resource("tiny-models/qwen2-bias"));
        assertThat(c.family()).isEqualTo(ModelFamily.QWEN2);
        assertThat(c.qkvBias()).isTrue();
        assertThat(c.outputBias()).isFalse();
        assertThat(c.eosTokenIds()).containsExactly(2, 3);
        assertThat(c.isEos(3)).isTrue();
    }

    @Test
    void gpt2NamesAreNormalised() throws Exception {
        ModelConfig c = ModelConfig.read(resource("tiny-models/gpt2"));
        assertThat(c.family()).isEqualTo(ModelFamily.GPT2);
        assertThat(c.hiddenSize()).isEqualTo(32);
        assertThat(c.numHiddenLayers()).isEqualTo(2);
        assertThat(c.numAttentionHeads()).isEqualTo(4);
        assertThat(c.numKeyValueHeads()).isEqualTo(4);
        assertThat(c.headDim()).isEqualTo(8);
        assertThat(c.maxPositionEmbeddings()).isEqualTo(64);
        assertThat(c.intermediateSize()).isEqualTo(128); // n_inner null: 4 * n_embd
        assertThat(c.hiddenAct()).isEqualTo(Activation.GELU_TANH);
        assertThat(c.normEps()).isEqualTo(1e-5);
        assertThat(c.tieWordEmbeddings()).isTrue();
    }

    @Test
    void bertIsParsedWithItsOwnFieldNames() {
        ModelConfig c = ModelConfig.parse("""
                {"model_type": "bert", "vocab_size": 30522, "hidden_size": 384, "num_hidden_layers": 6,
                 "num_attention_heads": 12, "intermediate_size": 1536, "max_position_embeddings": 512,
                 "layer_norm_eps": 1e-12, "hidden_act": "gelu", "type_vocab_size": 2, "pad_token_id": 0}""",
                null, "bert/config.json");
        assertThat(c.family()).isEqualTo(ModelFamily.BERT);
        assertThat(c.headDim()).isEqualTo(32);
        assertThat(c.normEps()).isEqualTo(1e-12);
        assertThat(c.hiddenAct()).isEqualTo(Activation.GELU);
        assertThat(c.typeVocabSize()).isEqualTo(2);
        assertThat(c.padTokenId()).hasValue(0);
    }

    private static final String MINILM = """
            {"architectures": ["BertModel"], "model_type": "bert", "hidden_act": "gelu", "hidden_size": 384,
             "intermediate_size": 1536, "layer_norm_eps": 1e-12, "max_position_embeddings": 512,
             "num_attention_heads": 12, "num_hidden_layers": 6, "pad_token_id": 0,
             "position_embedding_type": "absolute", "type_vocab_size": 2, "vocab_size": 30522}
            """;

    @Test
    void bertSizesEpsilonAndActivationAreReadFromAMiniLmConfig() {
        ModelConfig c = ModelConfig.parse(MINILM, null, "minilm/config.json");
        assertThat(c.vocabSize()).isEqualTo(30522);
        assertThat(c.hiddenSize()).isEqualTo(384);
        assertThat(c.numHiddenLayers()).isEqualTo(6);
        assertThat(c.numAttentionHeads()).isEqualTo(12);
        assertThat(c.intermediateSize()).isEqualTo(1536);
        assertThat(c.maxPositionEmbeddings()).isEqualTo(512);
        assertThat(c.typeVocabSize()).isEqualTo(2);
        assertThat(c.normEps()).isEqualTo(1e-12);
        assertThat(c.headDim()).isEqualTo(32);
        assertThat(c.hiddenAct()).isEqualTo(Activation.GELU);
        assertThat(ModelConfig.parse(MINILM.replace("\"gelu\"", "\"gelu_new\""), null, "m").hiddenAct())
                .isEqualTo(Activation.GELU_TANH);
    }

    @Test
    void missingOrUnsupportedBertFieldsAreNamed() {
        assertThatThrownBy(() -> ModelConfig.parse(MINILM.replace("\"hidden_size\": 384,", ""), null, "b.json"))
                .hasMessageContaining("b.json").hasMessageContaining("hidden_size").hasMessageContaining("missing");
        assertThatThrownBy(() -> ModelConfig.parse(MINILM.replace("\"num_attention_heads\": 12",
                "\"num_attention_heads\": 7"), null, "b.json")).hasMessageContaining("not divisible by")
                .hasMessageContaining("num_attention_heads = 7");
        assertThatThrownBy(() -> ModelConfig.parse(MINILM.replace("\"gelu\"", "\"relu\""), null, "b.json"))
                .hasMessageContaining("hidden_act");
        assertThatThrownBy(() -> ModelConfig.parse(MINILM.replace("\"gelu\"", "\"silu\""), null, "b.json"))
                .hasMessageContaining("hidden_act").hasMessageContaining("BERT");
        assertThatThrownBy(() -> ModelConfig.parse(MINILM.replace("\"absolute\"", "\"relative_key\""), null,
                "b.json")).hasMessageContaining("position_embedding_type").hasMessageContaining("relative_key");
        assertThatThrownBy(() -> ModelConfig.parse(MINILM.replace("1e-12", "-1"), null, "b.json"))
                .hasMessageContaining("layer_norm_eps");
        assertThatThrownBy(() -> ModelConfig.parse("[1]", null, "b.json")).hasMessageContaining("JSON object");
    }

    @ParameterizedTest
    @ValueSource(strings = {"bundled/TinyStories-656K", "tiny-models/llama3-rope-bf16", "tiny-models/mistral-head-dim",
        "tiny-models/qwen2-bias", "tiny-models/gpt2", "tiny-models/llama-gqa", "models/bert-tiny"})
    void everyConfigIsWrittenAsConfigJsonThatParsesBackToItself(String dir) throws Exception {
        ModelConfig c = ModelConfig.read(resource(dir));
        assertThat(ModelConfig.parse(c.toJson(), null, dir + " written")).isEqualTo(c);
    }

    @Test
    void writtenJsonUsesTheFamilysFieldNames() {
        ModelConfig bert = ModelConfig.parse(MINILM, null, "m");
        assertThat(bert.toJson()).contains("\"layer_norm_eps\"", "\"type_vocab_size\"", "\"BertModel\"");
        ModelConfig gpt2 = ModelConfig.parse("""
                {"model_type": "gpt2", "vocab_size": 9, "n_embd": 8, "n_layer": 1, "n_head": 2,
                 "n_positions": 16}""", null, "g");
        assertThat(gpt2.toJson()).contains("\"n_embd\"", "\"layer_norm_epsilon\"", "\"gelu_new\"")
                .doesNotContain("hidden_size");
    }

    @Test
    void aConfigItsFamilysFieldsCannotExpressIsNotWritten() {
        ModelConfig gpt2 = ModelConfig.parse("""
                {"model_type": "gpt2", "vocab_size": 9, "n_embd": 8, "n_layer": 1, "n_head": 2,
                 "n_positions": 16}""", null, "g");
        ModelConfig withRope = new ModelConfig(gpt2.family(), gpt2.modelType(), gpt2.vocabSize(), gpt2.hiddenSize(),
                gpt2.intermediateSize(), gpt2.numHiddenLayers(), gpt2.numAttentionHeads(), gpt2.numKeyValueHeads(),
                gpt2.headDim(), gpt2.maxPositionEmbeddings(), gpt2.normEps(), 500000.0, gpt2.ropeScaling(),
                gpt2.tieWordEmbeddings(), gpt2.hiddenAct(), true, true, true, gpt2.bosTokenId(), gpt2.eosTokenIds(),
                gpt2.padTokenId(), gpt2.torchDtype(), 0);
        assertThatThrownBy(withRope::toJson).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot be written");
    }

    @Test
    void generationConfigEosOverridesTheConfigs() {
        ModelConfig c = ModelConfig.parse(llama(""), "{\"eos_token_id\": [7, 8], \"bos_token_id\": 5}",
                "m/config.json");
        assertThat(c.eosTokenIds()).containsExactly(7, 8);
        assertThat(c.bosTokenId()).hasValue(5);
        assertThat(c.numKeyValueHeads()).isEqualTo(4); // default: the head count
    }

    @Test
    void anUnknownModelTypeIsRejectedNamingTheFile() {
        assertThatThrownBy(() -> ModelConfig.parse("{\"model_type\": \"falcon\"}", null, "x/config.json"))
                .hasMessageContaining("x/config.json").hasMessageContaining("falcon");
    }

    @Test
    void aMissingRequiredFieldIsNamed() {
        assertThatThrownBy(() -> ModelConfig.parse("{\"model_type\": \"llama\", \"hidden_size\": 8}", null,
                "y/config.json")).hasMessageContaining("y/config.json").hasMessageContaining("num_attention_heads");
        assertThatThrownBy(() -> ModelConfig.parse("{\"model_type\": \"gpt2\", \"vocab_size\": 9, \"n_head\": 2}",
                null, "g/config.json")).hasMessageContaining("\"n_embd\"");
    }

    @Test
    void badValuesAreRejectedWithTheField() {
        assertThatThrownBy(() -> ModelConfig.parse(llama(", \"num_key_value_heads\": 3"), null, "c.json"))
                .hasMessageContaining("num_key_value_heads");
        assertThatThrownBy(() -> ModelConfig.parse(llama(", \"rope_scaling\": {\"type\": \"yarn\", \"factor\": 4}"),
                null, "c.json")).hasMessageContaining("rope_scaling").hasMessageContaining("yarn");
        assertThatThrownBy(() -> ModelConfig.parse(llama(", \"rope_scaling\": {\"rope_type\": \"llama3\","
                + " \"factor\": 8}"), null, "c.json")).hasMessageContaining("rope_scaling.low_freq_factor");
        assertThatThrownBy(() -> ModelConfig.parse(llama(", \"hidden_act\": \"relu2\""), null, "c.json"))
                .hasMessageContaining("hidden_act");
        assertThatThrownBy(() -> ModelConfig.parse("{not json", null, "c.json")).hasMessageContaining("c.json");
        assertThatThrownBy(() -> ModelConfig.parse(llama(", \"eos_token_id\": \"x\""), null, "c.json"))
                .hasMessageContaining("eos_token_id");
    }

    @Test
    void aMissingConfigFileIsReported() {
        assertThatThrownBy(() -> ModelConfig.read(Path.of("/nonexistent-model-dir")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("config.json");
    }

    private static String llama(String extra) {
        return "{\"model_type\": \"llama\", \"vocab_size\": 10, \"hidden_size\": 8, \"intermediate_size\": 12,"
                + " \"num_hidden_layers\": 1, \"num_attention_heads\": 4" + extra + "}";
    }

}
