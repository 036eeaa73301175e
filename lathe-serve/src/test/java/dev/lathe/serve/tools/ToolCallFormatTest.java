package dev.lathe.serve.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.models.chat.ChatMessage;
import dev.lathe.models.chat.ChatTemplate;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each format against the real chat template that defines it: the template renders the tools and an
 * earlier call, and the text it writes for that call (what the model learned to generate) parses
 * back into the same call. Then the parsers on the replies models actually give.
 */
class ToolCallFormatTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String TOOLS = """
            [{"type": "function", "function": {"name": "get_weather", "description": "Current weather in a city",
              "parameters": {"type": "object", "properties": {"city": {"type": "string"},
                "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}}, "required": ["city"]}}},
             {"type": "function", "function": {"name": "get_time", "description": "Local time",
              "parameters": {"type": "object", "properties": {"zone": {"type": "string"}}, "required": ["zone"],
              "additionalProperties": false}}}]""";

    static List<ToolDefinition> tools() throws IOException {
        return ToolDefinition.parseAll(JSON.readTree(TOOLS));
    }

    static ChatTemplate template(String file, String bos, String eos) throws IOException {
        try (InputStream in = ToolCallFormatTest.class.getResourceAsStream("/chat-templates/" + file)) {
            return ChatTemplate.of(new String(in.readAllBytes(), StandardCharsets.UTF_8), bos, eos);
        }
    }

    /** Renders: user question, the assistant's call, the tool's result, and a generation prompt. */
    private static String render(ChatTemplate t, ToolCallFormat format, ToolCall call) throws IOException {
        List<ChatMessage> messages = List.of(ChatMessage.user("Weather in Paris?"),
                ToolPrompt.assistantToolCalls(null, List.of(call), format),
                ToolPrompt.toolResult(call.id(), "{\"temperature\": 21}", format));
        return t.render(messages, true, ToolPrompt.templateTools(tools(), new ToolChoice.Auto()), Map.of());
    }

    private static void assertSameCall(AssistantReply reply, ToolCall expected) throws IOException {
        assertThat(reply.toolCalls()).hasSize(1);
        ToolCall got = reply.toolCalls().getFirst();
        assertThat(got.name()).isEqualTo(expected.name());
        assertThat(JSON.readTree(got.arguments())).isEqualTo(JSON.readTree(expected.arguments()));
        assertThat(got.id()).startsWith("call_").hasSize(29);
        assertThat(got.type()).isEqualTo("function");
    }

    @Test
    void qwen25WritesHermesToolCallBlocksAndTheParserReadsThemBack() throws IOException {
        ChatTemplate t = template("Qwen-Qwen2.5-7B-Instruct.jinja", null, "<|im_end|>");
        assertThat(ToolCallFormat.detect(t)).contains(ToolCallFormat.HERMES);
        ToolCall call = ToolCall.of("get_weather", "{\"city\":\"Paris\",\"unit\":\"celsius\"}");
        String prompt = render(t, ToolCallFormat.HERMES, call);
        assertThat(prompt).contains("<tools>\n{\"type\": \"function\", \"function\": {\"name\": \"get_weather\"")
                .contains("<tool_response>\n{\"temperature\": 21}\n</tool_response>")
                .endsWith("<|im_start|>assistant\n");
        String written = between(prompt, "<|im_start|>assistant\n", "<|im_end|>");
        assertThat(written).startsWith("<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {");
        assertSameCall(ToolCallFormat.HERMES.parse(written, tools()), call);
    }

    @Test
    void llama32WritesAJsonObjectWithParametersAndTheParserReadsItBack() throws IOException {
        ChatTemplate t = template("meta-llama-Llama-3.2-3B-Instruct.jinja", "<|begin_of_text|>", "<|eot_id|>");
        assertThat(ToolCallFormat.detect(t)).contains(ToolCallFormat.LLAMA3_JSON);
        ToolCall call = ToolCall.of("get_time", "{\"zone\":\"Europe/Paris\"}");
        String prompt = render(t, ToolCallFormat.LLAMA3_JSON, call);
        assertThat(prompt).contains("\"name\": \"get_weather\"").contains("<|start_header_id|>ipython<|end_header_id|>");
        String written = between(prompt, "<|start_header_id|>assistant<|end_header_id|>\n\n", "<|eot_id|>");
        assertThat(written).isEqualTo("{\"name\": \"get_time\", \"parameters\": {\"zone\": \"Europe/Paris\"}}");
        assertSameCall(ToolCallFormat.LLAMA3_JSON.parse(written, tools()), call);
    }

    @Test
    void mistralNemoWritesToolCallsWithNineCharacterIdsAndTheParserReadsThemBack() throws IOException {
        ChatTemplate t = template("mistralai-Mistral-Nemo-Instruct-2407.jinja", "<s>", "</s>");
        assertThat(ToolCallFormat.detect(t)).contains(ToolCallFormat.MISTRAL);
        ToolCall call = ToolCall.of("get_weather", "{\"city\":\"Paris\"}");
        String prompt = render(t, ToolCallFormat.MISTRAL, call);
        String id = ToolPrompt.callId(call.id(), ToolCallFormat.MISTRAL);
        assertThat(id).hasSize(9).matches("[A-Za-z0-9]+");
        assertThat(prompt).contains("[AVAILABLE_TOOLS][{\"type\": \"function\", \"function\": {\"name\": \"get_weather\"")
                .contains("\"call_id\": \"" + id + "\"}[/TOOL_RESULTS]");
        String written = between(prompt, "[/INST]", "</s>");
        assertThat(written).startsWith("[TOOL_CALLS][{\"name\": \"get_weather\"").contains("\"id\": \"" + id + "\"");
        assertSameCall(ToolCallFormat.MISTRAL.parse(written, tools()), call);
    }

    @Test
    void templatesWithoutToolSupportAreNotGivenAFormat() {
        assertThat(ToolCallFormat.detect(ChatTemplate.of(ChatTemplate.CHATML, null, null))).isEmpty();
    }

    @Test
    void hermesKeepsTheTextBeforeTheCallsAndReadsSeveralCalls() throws IOException {
        AssistantReply r = ToolCallFormat.HERMES.parse("Let me check both.\n<tool_call>\n{\"name\": \"get_weather\","
                + " \"arguments\": {\"city\": \"Oslo\"}}\n</tool_call>\n<tool_call>\n{\"name\": \"get_time\","
                + " \"arguments\": \"{\\\"zone\\\": \\\"CET\\\"}\"}\n</tool_call>", tools());
        assertThat(r.content()).isEqualTo("Let me check both.");
        assertThat(r.toolCalls()).extracting(ToolCall::name).containsExactly("get_weather", "get_time");
        assertThat(r.toolCalls().get(1).arguments()).isEqualTo("{\"zone\":\"CET\"}");
        assertThat(r.toolCalls().get(0).id()).isNotEqualTo(r.toolCalls().get(1).id());
        // The model stopped at EOS before writing the closing tag.
        AssistantReply open = ToolCallFormat.HERMES.parse("<tool_call>\n{\"name\": \"get_time\", \"arguments\":"
                + " {\"zone\": \"UTC\"}}", tools());
        assertThat(open.content()).isNull();
        assertThat(open.toolCalls()).hasSize(1);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "HERMES|The weather is fine.",
            "HERMES|<tool_call>{\"name\": \"launch_rockets\", \"arguments\": {}}</tool_call>",
            "HERMES|<tool_call>{\"name\": \"get_time\", \"arguments\": {\"zone\": </tool_call>",
            "HERMES|<tool_call>{\"name\": \"get_time\", \"arguments\": [1]}</tool_call>",
            "LLAMA3_JSON|It is sunny in Paris.",
            "LLAMA3_JSON|{\"answer\": 42}", "LLAMA3_JSON|[]", "MISTRAL|[TOOL_CALLS][]",
            "LLAMA3_JSON|{\"name\": \"get_weather\", \"parameters\": {\"city\": ",
            "MISTRAL|Paris is sunny.",
            "MISTRAL|[TOOL_CALLS][{\"name\": \"nope\", \"arguments\": {}}]",
            "MISTRAL|[TOOL_CALLS]get_time{\"zone\": \"UTC\"}"})
    void repliesWithoutWellFormedCallsToDefinedFunctionsStayText(ToolCallFormat format, String reply) throws IOException {
        AssistantReply r = format.parse(reply, tools());
        assertThat(r.hasToolCalls()).isFalse();
        assertThat(r.content()).isEqualTo(reply);
    }

    @Test
    void llamaAcceptsThePythonTagAndArgumentsSpelledAsArguments() throws IOException {
        AssistantReply r = ToolCallFormat.LLAMA3_JSON.parse("<|python_tag|>{\"name\": \"get_time\", \"arguments\":"
                + " {\"zone\": \"UTC\"}}", tools());
        assertThat(r.toolCalls()).extracting(ToolCall::arguments).containsExactly("{\"zone\":\"UTC\"}");
    }

    @Test
    void mistralReadsTheArgsMarkerFormatAndKeepsLeadingText() throws IOException {
        AssistantReply r = ToolCallFormat.MISTRAL.parse("Checking.[TOOL_CALLS]get_time[ARGS]{\"zone\": \"UTC\"}"
                + "[TOOL_CALLS]get_weather[ARGS]{\"city\": \"Rome\"}", tools());
        assertThat(r.content()).isEqualTo("Checking.");
        assertThat(r.toolCalls()).extracting(ToolCall::name).containsExactly("get_time", "get_weather");
        JsonNode args = JSON.readTree(r.toolCalls().get(1).arguments());
        assertThat(args.get("city").asText()).isEqualTo("Rome");
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "HERMES;Sure, checking;14", "HERMES;Sure <tool_c;5", "HERMES;Sure <tool_call>{\"na;5", "HERMES;a < b;5",
            "MISTRAL;Hi [TOOL_;3", "MISTRAL;[TOOL_CALLS][{;0", "MISTRAL;Hello;5",
            "LLAMA3_JSON;  {\"name;0", "LLAMA3_JSON;<|python;0", "LLAMA3_JSON;It is;5", "LLAMA3_JSON;'   ';0"})
    void streamingHoldsBackOnlyWhatMayBecomeACall(ToolCallFormat format, String soFar, int streamable) {
        assertThat(format.streamableLength(soFar)).isEqualTo(streamable);
    }

    private static String between(String text, String open, String close) {
        int start = text.lastIndexOf(open.isEmpty() ? "" : open, text.lastIndexOf(close));
        int from = start + open.length();
        return text.substring(from, text.indexOf(close, from));
    }
}
