package dev.lathe.tune.peft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** Target-module matching as PEFT's, and JSON laid out as Python's json.dumps(indent=2, sort_keys=True). */
class PeftSharedTest {

    @Test
    void aNameMatchesTheWholePathOrItsLastDottedParts() {
        TargetModules t = TargetModules.of("q_proj", "mlp.down_proj");
        assertThat(t.matches("model.layers.0.self_attn.q_proj")).isTrue();
        assertThat(t.matches("q_proj")).isTrue();
        assertThat(t.matches("model.layers.0.self_attn.xq_proj")).isFalse();
        assertThat(t.matches("model.layers.3.mlp.down_proj")).isTrue();
        assertThat(t.matches("model.layers.3.down_proj")).isFalse();
    }

    @Test
    void aRegexMustMatchTheWholePath() {
        TargetModules t = TargetModules.matching(".*\\.(q|v)_proj");
        assertThat(t.matches("model.layers.0.self_attn.q_proj")).isTrue();
        assertThat(t.matches("model.layers.0.self_attn.q_proj.extra")).isFalse();
        assertThat(TargetModules.matching("q_proj").matches("model.layers.0.self_attn.q_proj")).isFalse();
        assertThatThrownBy(() -> TargetModules.matching("(")).hasMessageContaining("does not compile");
        assertThatThrownBy(() -> TargetModules.of()).hasMessageContaining("at least one");
    }

    @Test
    void jsonIsLaidOutAsPythonWritesIt() throws Exception {
        var node = new ObjectMapper().readTree(
                "{\"b\":[1,\"x\"],\"a\":{},\"c\":null,\"d\":0.05,\"e\":0.0,\"f\":1e-5,\"g\":[],\"h\":\"é\"}");
        assertThat(PeftJson.write(node)).isEqualTo("""
                {
                  "a": {},
                  "b": [
                    1,
                    "x"
                  ],
                  "c": null,
                  "d": 0.05,
                  "e": 0.0,
                  "f": 1e-05,
                  "g": [],
                  "h": "\\u00e9"
                }""");
    }
}
