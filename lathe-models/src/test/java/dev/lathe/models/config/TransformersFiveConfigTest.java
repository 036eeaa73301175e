package dev.lathe.models.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lathe.engine.op.RopeConfig;
import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Configs as transformers 5 writes them: RoPE under {@code rope_parameters} (with {@code rope_theta}
 * inside), {@code dtype} instead of {@code torch_dtype}, and the precedence transformers 5 applies when
 * both layouts appear. Ignoring {@code rope_parameters} computed wrong logits for every RoPE model saved by
 * transformers 5 with a non-default base or scaling (HfTransformersParityTest found it).
 */
class TransformersFiveConfigTest {

    private static Path resource(String path) throws URISyntaxException {
        return Path.of(TransformersFiveConfigTest.class.getResource("/" + path).toURI());
    }

    private static ModelConfig llama(String extra) {
        return ModelConfig.parse("{\"model_type\": \"llama\", \"vocab_size\": 10, \"hidden_size\": 8,"
                + " \"intermediate_size\": 12, \"num_hidden_layers\": 1, \"num_attention_heads\": 4,"
                + " \"max_position_embeddings\": 64" + extra + "}", null, "m/config.json");
    }

    @Test
    void ropeParametersWrittenBySavePretrainedGiveTheBaseAndTheLlama3Scaling() throws Exception {
        ModelConfig c = ModelConfig.read(resource("hf-tiny/llama3-rope-bf16"));
        assertThat(c.ropeTheta()).isEqualTo(500000.0);
        assertThat(c.ropeScaling()).isEqualTo(new RopeConfig.Llama3(8.0, 1.0, 4.0, 16));
        assertThat(c.torchDtype()).isEqualTo("bfloat16");
    }

    @Test
    void defaultRopeParametersStillCarryTheBase() throws Exception {
        ModelConfig c = ModelConfig.read(resource("hf-tiny/qwen2"));
        assertThat(c.ropeTheta()).isEqualTo(1000000.0);
        assertThat(c.ropeScaling()).isEqualTo(new RopeConfig.None());
    }

    @Test
    void linearRopeParametersAreRead() {
        ModelConfig c = llama(", \"rope_parameters\": {\"rope_type\": \"linear\", \"rope_theta\": 20000.0,"
                + " \"factor\": 4.0}");
        assertThat(c.ropeTheta()).isEqualTo(20000.0);
        assertThat(c.ropeScaling()).isEqualTo(new RopeConfig.Linear(4.0));
    }

    @Test
    void aTopLevelRopeThetaFillsInWhenTheParametersLackIt() {
        ModelConfig c = llama(", \"rope_theta\": 77.0, \"rope_parameters\": {\"rope_type\": \"default\"}");
        assertThat(c.ropeTheta()).isEqualTo(77.0);
        assertThat(llama(", \"rope_parameters\": {}").ropeTheta()).isEqualTo(10000.0);
    }

    @Test
    void aLegacyRopeScalingWinsOverRopeParametersAsInTransformers() {
        ModelConfig c = llama(", \"rope_theta\": 5.0, \"rope_scaling\": {\"type\": \"linear\", \"factor\": 2.0},"
                + " \"rope_parameters\": {\"rope_type\": \"default\", \"rope_theta\": 9.0}");
        assertThat(c.ropeScaling()).isEqualTo(new RopeConfig.Linear(2.0));
        assertThat(c.ropeTheta()).isEqualTo(5.0);
    }

    @Test
    void llama3WithoutOriginalMaxPositionsUsesMaxPositionEmbeddingsAsTransformersDoes() {
        ModelConfig c = llama(", \"rope_parameters\": {\"rope_type\": \"llama3\", \"factor\": 8.0,"
                + " \"low_freq_factor\": 1.0, \"high_freq_factor\": 4.0, \"rope_theta\": 500000.0}");
        assertThat(c.ropeScaling()).isEqualTo(new RopeConfig.Llama3(8.0, 1.0, 4.0, 64));
    }

    @Test
    void unsupportedRopeParametersAreRefusedNamingTheField() {
        assertThatThrownBy(() -> llama(", \"rope_parameters\": {\"rope_type\": \"yarn\", \"factor\": 4.0}"))
                .hasMessageContaining("m/config.json").hasMessageContaining("rope_parameters")
                .hasMessageContaining("yarn");
        assertThatThrownBy(() -> llama(", \"rope_parameters\": {\"full_attention\": {\"rope_type\": \"default\"},"
                + " \"sliding_attention\": {\"rope_type\": \"default\"}}"))
                .hasMessageContaining("per-layer-type");
        assertThatThrownBy(() -> llama(", \"rope_parameters\": {\"rope_type\": \"default\","
                + " \"partial_rotary_factor\": 0.5}")).hasMessageContaining("rope_parameters.partial_rotary_factor");
        assertThatThrownBy(() -> llama(", \"partial_rotary_factor\": 0.25"))
                .hasMessageContaining("partial_rotary_factor");
        assertThat(llama(", \"partial_rotary_factor\": 1.0").ropeScaling()).isEqualTo(new RopeConfig.None());
    }
}
