package dev.lathe.models.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Defaults and validation of the sampling parameters. */
class SamplingParamsTest {

    private static void rejects(UnaryOperator<SamplingParams.Builder> edit, String... messageParts) {
        assertThatThrownBy(() -> edit.apply(SamplingParams.builder()).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll(messageParts);
    }

    @Test
    void defaultsDisableEveryProcessor() {
        SamplingParams p = SamplingParams.builder().build();
        assertThat(p.maxTokens()).isEqualTo(16);
        assertThat(p.temperature()).isEqualTo(1f);
        assertThat(p.topK()).isZero();
        assertThat(p.topP()).isEqualTo(1f);
        assertThat(p.minP()).isZero();
        assertThat(p.repetitionPenalty()).isEqualTo(1f);
        assertThat(p.frequencyPenalty()).isZero();
        assertThat(p.presencePenalty()).isZero();
        assertThat(p.logitBias()).isEmpty();
        assertThat(p.seed()).isNull();
        assertThat(p.stop()).isEmpty();
        assertThat(p.logprobs()).isFalse();
        assertThat(p.toBuilder().build()).isEqualTo(p);
    }

    @Test
    void eachOutOfRangeValueIsRejectedNamingTheParameterAndValue() {
        rejects(b -> b.maxTokens(0), "maxTokens", "0");
        rejects(b -> b.temperature(-0.5f), "temperature", "-0.5");
        rejects(b -> b.temperature(Float.NaN), "temperature", "NaN");
        rejects(b -> b.topK(-1), "topK", "-1");
        rejects(b -> b.topP(0f), "topP", "0.0");
        rejects(b -> b.topP(1.5f), "topP", "1.5");
        rejects(b -> b.minP(-0.1f), "minP", "-0.1");
        rejects(b -> b.minP(2f), "minP", "2.0");
        rejects(b -> b.repetitionPenalty(0f), "repetitionPenalty", "0.0");
        rejects(b -> b.frequencyPenalty(2.5f), "frequencyPenalty", "2.5");
        rejects(b -> b.presencePenalty(-3f), "presencePenalty", "-3.0");
        rejects(b -> b.logitBias(Map.of(5, 101f)), "logitBias[5]", "101.0");
        rejects(b -> b.logitBias(Map.of(-1, 1f)), "logitBias", "-1");
        rejects(b -> b.stop(""), "stop");
        rejects(b -> b.stopTokenIds(Set.of(-2)), "stopTokenIds", "-2");
        rejects(b -> b.eosTokenIds(Set.of(-3)), "eosTokenIds", "-3");
        rejects(b -> b.topLogprobs(21), "topLogprobs", "21");
        rejects(b -> b.logprobs(false).topLogprobs(0).topLogprobs(3).logprobs(false), "topLogprobs", "logprobs");
    }

    @Test
    void topLogprobsTurnsLogprobsOn() {
        assertThat(SamplingParams.builder().topLogprobs(2).build().logprobs()).isTrue();
    }
}
