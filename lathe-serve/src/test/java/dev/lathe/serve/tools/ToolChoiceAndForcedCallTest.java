package dev.lathe.serve.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.models.generate.FinishReason;
import dev.lathe.models.generate.Generation;
import dev.lathe.models.generate.GenerationRequest;
import dev.lathe.models.generate.Generator;
import dev.lathe.models.generate.SamplingParams;
import dev.lathe.serve.structured.RandomLogitsModel;
import dev.lathe.serve.structured.TestVocabularies;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** tool_choice and tools validation, and forced calls that always parse into a call to a defined tool. */
class ToolChoiceAndForcedCallTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void readsEveryToolChoiceAndDefaultsLikeOpenAi() throws Exception {
        List<ToolDefinition> tools = ToolCallFormatTest.tools();
        assertThat(ToolChoice.parse(null, tools)).isEqualTo(new ToolChoice.Auto());
        assertThat(ToolChoice.parse(null, List.of())).isEqualTo(new ToolChoice.None());
        assertThat(ToolChoice.parse(JSON.readTree("\"none\""), tools)).isEqualTo(new ToolChoice.None());
        assertThat(ToolChoice.parse(JSON.readTree("\"required\""), tools).forcesCall()).isTrue();
        assertThat(ToolChoice.parse(JSON.readTree("{\"type\": \"function\", \"function\": {\"name\": \"get_time\"}}"),
                tools)).isEqualTo(new ToolChoice.Function("get_time"));
        assertThat(ToolPrompt.templateTools(tools, new ToolChoice.None())).isNull();
        assertThat(ToolPrompt.templateTools(tools, new ToolChoice.Auto())).hasSize(2);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "\"sometimes\"|tool_choice", "{\"type\": \"function\", \"function\": {\"name\": \"nope\"}}|tool_choice",
            "{\"type\": \"function\"}|tool_choice", "42|tool_choice"})
    void badToolChoicesNameTheParameter(String json, String param) throws Exception {
        assertThatThrownBy(() -> ToolChoice.parse(JSON.readTree(json), ToolCallFormatTest.tools()))
                .isInstanceOfSatisfying(ToolParameterException.class, e -> assertThat(e.param()).isEqualTo(param));
    }

    @Test
    void requiredWithoutToolsIsRefused() {
        assertThatThrownBy(() -> ToolChoice.parse(JSON.readTree("\"required\""), List.of()))
                .isInstanceOfSatisfying(ToolParameterException.class, e -> assertThat(e.param()).isEqualTo("tool_choice"))
                .hasMessageContaining("no tools");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{}|tools",
            "[{\"type\": \"retrieval\"}]|tools[0].type",
            "[{\"type\": \"function\", \"function\": {\"name\": \"has space\"}}]|tools[0].function.name",
            "[{\"type\": \"function\", \"function\": {\"name\": \"a\", \"parameters\": 3}}]|tools[0].function.parameters",
            "[{\"type\": \"function\", \"function\": {\"name\": \"a\"}}, {\"type\": \"function\", \"function\": {\"name\": \"a\"}}]|tools[1].function.name"})
    void badToolsNameTheEntry(String json, String param) {
        assertThatThrownBy(() -> ToolDefinition.parseAll(JSON.readTree(json)))
                .isInstanceOfSatisfying(ToolParameterException.class, e -> assertThat(e.param()).isEqualTo(param));
    }

    @Test
    void aToolWithoutParametersTakesAnEmptyObject() throws Exception {
        List<ToolDefinition> tools = ToolDefinition.parseAll(JSON.readTree(
                "[{\"type\": \"function\", \"function\": {\"name\": \"ping\"}}]"));
        ForcedToolCall forced = ForcedToolCall.of(new ToolChoice.Function("ping"), tools).orElseThrow();
        assertThat(forced.grammar().accepts("{}")).isTrue();
        assertThat(forced.parse("{}").arguments()).isEqualTo("{}");
    }

    @Test
    void aNamedFunctionIsForcedThroughItsArgumentsSchema() throws Exception {
        ForcedToolCall forced = ForcedToolCall.of(new ToolChoice.Function("get_weather"), ToolCallFormatTest.tools())
                .orElseThrow();
        assertThat(forced.grammar().accepts("{\"city\": \"Paris\", \"unit\": \"celsius\"}")).isTrue();
        assertThat(forced.grammar().accepts("{\"unit\": \"celsius\"}")).isFalse();
        ToolCall call = forced.parse("{\"city\": \"Paris\"}");
        assertThat(call.name()).isEqualTo("get_weather");
        assertThat(call.arguments()).isEqualTo("{\"city\":\"Paris\"}");
        assertThat(ForcedToolCall.of(new ToolChoice.Auto(), ToolCallFormatTest.tools())).isEmpty();
        assertThatThrownBy(() -> forced.parse("{\"city\": \"Par")).hasMessageContaining("max_tokens");
    }

    @Test
    void requiredSamplesAlwaysParseIntoACallToADefinedTool() throws Exception {
        List<ToolDefinition> tools = ToolCallFormatTest.tools();
        ForcedToolCall forced = ForcedToolCall.of(new ToolChoice.Required(), tools).orElseThrow();
        Generator gen = new Generator((ids, from, to) -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (int i = from; i < to; i++) {
                byte[] b = TestVocabularies.VOCABULARY.bytes(ids[i]);
                if (b != null) {
                    out.writeBytes(b);
                }
            }
            return out.toString(StandardCharsets.UTF_8);
        });
        for (long seed = 0; seed < 30; seed++) {
            RandomLogitsModel model = new RandomLogitsModel(TestVocabularies.VOCABULARY.size(), seed,
                    TestVocabularies.closingBias());
            SamplingParams params = SamplingParams.builder().temperature(1f).seed(seed).maxTokens(3000)
                    .eosTokenIds(Set.of(TestVocabularies.EOS)).build();
            Generation g = gen.generate(model, new GenerationRequest(new int[] {'x'}, params, null, null,
                    forced.grammar().constraint(TestVocabularies.VOCABULARY)));
            assertThat(g.finishReason()).isIn(FinishReason.STOP, FinishReason.EOS);
            ToolCall call = forced.parse(g.text());
            assertThat(call.name()).isIn("get_weather", "get_time");
            JsonNode args = JSON.readTree(call.arguments());
            assertThat(args.has(call.name().equals("get_weather") ? "city" : "zone")).as(g.text()).isTrue();
        }
    }

    @Test
    void valueBoundsInToolSchemasAreAcceptedButStructuralKeywordsItCannotEnforceNameTheTool() throws Exception {
        List<ToolDefinition> tools = ToolDefinition.parseAll(JSON.readTree("""
                [{"type": "function", "function": {"name": "ok", "parameters": {"type": "object", "properties": {
                   "n": {"type": "integer", "minimum": 0}, "day": {"type": "string", "format": "date"}},
                   "additionalProperties": true}}},
                 {"type": "function", "function": {"name": "f", "parameters": {"type": "object", "properties": {
                   "n": {"not": {"type": "null"}}}}}}]"""));
        ForcedToolCall ok = ForcedToolCall.of(new ToolChoice.Function("ok"), tools).orElseThrow();
        assertThat(ok.grammar().accepts("{\"n\": 3, \"day\": \"2026-11-26\"}")).isTrue();
        assertThat(ok.grammar().accepts("{\"n\": \"3\"}")).isFalse();
        assertThatThrownBy(() -> ForcedToolCall.of(new ToolChoice.Function("f"), tools))
                .isInstanceOfSatisfying(ToolParameterException.class,
                        e -> assertThat(e.param()).isEqualTo("tools[1].function.parameters"))
                .hasMessageContaining("'not'").hasMessageContaining("#/properties/n/not");
        assertThatThrownBy(() -> ForcedToolCall.of(new ToolChoice.Required(), tools))
                .isInstanceOfSatisfying(ToolParameterException.class,
                        e -> assertThat(e.param()).isEqualTo("tools[1].function.parameters"))
                .hasMessageContaining("#/properties/n/not");
    }
}
