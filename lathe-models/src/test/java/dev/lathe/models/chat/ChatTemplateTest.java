package dev.lathe.models.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.models.tokenizer.TokenizerConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ChatTemplateTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static String resource(String name) {
        try (InputStream in = ChatTemplateTest.class.getResourceAsStream("/chat-templates/" + name)) {
            if (in == null) throw new IllegalStateException("missing test resource chat-templates/" + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<ChatMessage> messages(JsonNode array) {
        List<ChatMessage> out = new ArrayList<>();
        for (JsonNode m : array) out.add(new ChatMessage(m.get("role").asText(), m.get("content").asText()));
        return out;
    }

    static Stream<Arguments> llamaCppCases() throws IOException {
        JsonNode root = JSON.readTree(resource("llama-cpp-test-chat-template.json"));
        List<ChatMessage> conversation = messages(root.get("conversation"));
        List<Arguments> out = new ArrayList<>();
        for (JsonNode c : root.get("cases")) {
            out.add(Arguments.of(c.get("name").asText(), c.get("template").asText(), c.get("bos").asText(),
                    c.get("eos").asText(), conversation, c.get("expected").asText()));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("llamaCppCases")
    void llamaCppTemplatesRenderTheirExpectedPrompt(String name, String template, String bos, String eos,
            List<ChatMessage> conversation, String expected) {
        assertThat(ChatTemplate.of(template, bos, eos).render(conversation, true)).isEqualTo(expected);
    }

    static Stream<Arguments> realTemplateCases() throws IOException {
        JsonNode root = JSON.readTree(resource("real-templates.json"));
        List<Arguments> out = new ArrayList<>();
        for (JsonNode c : root.get("cases")) {
            Map<String, Object> vars = new LinkedHashMap<>();
            c.get("variables").properties().forEach(e -> vars.put(e.getKey(), e.getValue().asText()));
            out.add(Arguments.of(c.get("template").asText(), c.get("source").asText(), messages(c.get("messages")),
                    c.get("bos").isNull() ? null : c.get("bos").asText(), c.get("eos").asText(),
                    c.get("add_generation_prompt").asBoolean(), vars, c.get("expected").asText()));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} ({1})")
    @MethodSource("realTemplateCases")
    void realModelTemplatesRenderTheirReferencePrompt(String file, String source, List<ChatMessage> messages,
            String bos, String eos, boolean addGenerationPrompt, Map<String, Object> variables, String expected) {
        ChatTemplate template = ChatTemplate.of(resource(file), bos, eos);
        assertThat(template.render(messages, addGenerationPrompt, null, variables)).isEqualTo(expected);
    }

    @Test
    void raiseExceptionStopsRenderingWithTheTemplatesMessage() {
        ChatTemplate mistral = ChatTemplate.of(resource("mistralai-Mistral-7B-Instruct-v0.1.jinja"), "<s>", "</s>");
        List<ChatMessage> withSystem = List.of(ChatMessage.system("Be brief."), ChatMessage.user("Hi"));
        assertThatThrownBy(() -> mistral.render(withSystem, true))
                .isInstanceOfSatisfying(ChatTemplateException.class, e -> assertThat(e.raisedByTemplate()).isTrue())
                .hasMessage("Conversation roles must alternate user/assistant/user/assistant/...");
        ChatTemplate v02 = ChatTemplate.of(resource("mistralai-Mistral-7B-Instruct-v0.2.jinja"), "<s>", "</s>");
        assertThatThrownBy(() -> v02.render(List.of(ChatMessage.user("a"), ChatMessage.user("b")), true))
                .isInstanceOf(ChatTemplateException.class).hasMessageContaining("must alternate");
    }

    @Test
    void llama32RendersToolsAsPythonJsonInTheFirstUserMessage() {
        ChatTemplate llama = ChatTemplate.of(resource("meta-llama-Llama-3.2-3B-Instruct.jinja"), "<|begin_of_text|>", "<|eot_id|>");
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("type", "object");
        params.put("properties", Map.of("city", Map.of("type", "string")));
        params.put("required", List.of("city"));
        Map<String, Object> fn = new LinkedHashMap<>();
        fn.put("name", "get_weather");
        fn.put("description", "Weather in a city");
        fn.put("parameters", params);
        Map<String, Object> tool = new LinkedHashMap<>();
        tool.put("type", "function");
        tool.put("function", fn);
        String out = llama.render(List.of(ChatMessage.user("Weather in Paris?")), true, List.of(tool),
                Map.of("date_string", "01 Jan 2025"));
        String toolJson = """
                {
                    "type": "function",
                    "function": {
                        "name": "get_weather",
                        "description": "Weather in a city",
                        "parameters": {
                            "type": "object",
                            "properties": {
                                "city": {
                                    "type": "string"
                                }
                            },
                            "required": [
                                "city"
                            ]
                        }
                    }
                }""";
        assertThat(out).isEqualTo("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n"
                + "Environment: ipython\nCutting Knowledge Date: December 2023\nToday Date: 01 Jan 2025\n\n<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\n"
                + "Given the following functions, please respond with a JSON for a function call with its proper "
                + "arguments that best answers the given prompt.\n\n"
                + "Respond in the format {\"name\": function name, \"parameters\": dictionary of argument name and its "
                + "value}.Do not use variables.\n\n" + toolJson + "\n\nWeather in Paris?<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\n");
    }

    @Test
    void llama32RendersAToolCallAndItsResult() {
        ChatTemplate llama = ChatTemplate.of(resource("meta-llama-Llama-3.2-3B-Instruct.jinja"), "<|begin_of_text|>", "<|eot_id|>");
        Map<String, Object> call = Map.of("function", Map.of("name", "get_weather", "arguments", Map.of("city", "Paris")));
        List<ChatMessage> messages = List.of(ChatMessage.user("Weather?"),
                new ChatMessage("assistant", null, Map.of("tool_calls", List.of(call))),
                new ChatMessage("tool", "sunny"));
        String out = llama.render(messages, false, null, Map.of("date_string", "01 Jan 2025"));
        assertThat(out).endsWith("<|start_header_id|>assistant<|end_header_id|>\n\n"
                + "{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Paris\"}}<|eot_id|>"
                + "<|start_header_id|>ipython<|end_header_id|>\n\nsunny<|eot_id|>");
    }

    @Test
    void strftimeNowGivesTodaysDateWhenNoDateIsPassed() {
        ChatTemplate llama = ChatTemplate.of(resource("meta-llama-Llama-3.2-3B-Instruct.jinja"), "", "");
        String today = Strftime.format(java.time.LocalDateTime.now(), "%d %b %Y");
        assertThat(llama.render(List.of(ChatMessage.user("Hi")), true)).contains("Today Date: " + today + "\n");
    }

    @Test
    void pythonStringMethodsBehaveAsInPython() {
        String t = "{{ s.strip() }}|{{ s.lstrip() }}|{{ s.rstrip() }}|{{ yes(s.startswith(' a')) }}|{{ yes(s.endswith('c ')) }}"
                + "|{{ s.split() | length }}|{{ 'a,b,,c'.split(',') | join('/') }}|{{ 'x-y-z'.split('-', 1)[1] }}"
                + "|{{ 'hello world'.title() }}|{{ 'aBc'.upper() }}{{ 'aBc'.lower() }}|{{ 'aaa'.replace('a', 'b', 2) }}"
                + "|{{ s.strip(' ac') }}|{{ yes('<think>x'.startswith(('<tool', '<think'))) }}|{{ ', '.join(['p', 'q']) }}"
                + "|{{ s | trim }}";
        String macro = "{% macro yes(b) %}{% if b %}True{% else %}False{% endif %}{% endmacro %}";
        String out = ChatTemplate.of(macro + t, null, null).render(List.of(), false, null, Map.of("s", " a b c "));
        assertThat(out).isEqualTo("a b c|a b c | a b c|True|True|3|a/b//c|y-z|Hello World|ABCabc|bba|b|True|p, q|a b c");
    }

    @Test
    void namespacesLoopControlsAndSlicesWork() {
        String t = "{% set ns = namespace(n=0, last='') %}{% for m in messages %}{% set ns.n = ns.n + 1 %}"
                + "{% if loop.first %}[{% endif %}{{ loop.index0 }}:{{ m.role }}{% if not loop.last %},{% else %}]{% endif %}"
                + "{% set ns.last = m['content'] %}{% endfor %}{{ ns.n }} {{ ns.last }} {{ messages[1:] | length }}"
                + " {{ messages[-1].role }}{% for k, v in {'a': 1}.items() %} {{ k }}={{ v }}{% endfor %}";
        List<ChatMessage> msgs = List.of(ChatMessage.system("s"), ChatMessage.user("u"), ChatMessage.assistant("a"));
        assertThat(ChatTemplate.of(t, null, null).render(msgs, false)).isEqualTo("[0:system,1:user,2:assistant]3 a 2 assistant a=1");
    }

    @Test
    void toJsonMatchesPythonJsonDumps() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("s", "é\"\n");
        value.put("n", List.of(1, 2.5, true));
        value.put("e", Map.of());
        value.put("z", null);
        String out = ChatTemplate.of("{{ v | tojson }}", null, null).render(List.of(), false, null, Map.of("v", value));
        assertThat(out).isEqualTo("{\"s\": \"é\\\"\\n\", \"n\": [1, 2.5, true], \"e\": {}, \"z\": null}");
        assertThat(PyJson.pythonFloat(1e-5)).isEqualTo("1e-05");
        assertThat(PyJson.pythonFloat(3.0)).isEqualTo("3.0");
        assertThat(PyJson.pythonFloat(0.1)).isEqualTo("0.1");
    }

    @Test
    void notBindsLooserThanComparisonsAsInJinja() {
        String t = "{% if not x|length == 1 %}A{% else %}B{% endif %}{% if not 'a' in ['b'] %}C{% endif %}"
                + "{% if not y is defined %}D{% endif %}{% if 'b' not in x %}E{% endif %}"
                + "{% if not '<<SYS>>' in z[0]['c'] %}F{% endif %}{% if not x[0] | string == '2' %}G{% endif %}";
        assertThat(ChatTemplate.of(t, null, null).render(List.of(), false, null, Map.of("x", List.of(1, 2), "z", List.of(Map.of("c", "<<SYS>> hi")))))
                .isEqualTo("ACDEG");
    }

    @Test
    void filtersTestsAndSlicesThatMistralAndQwenTemplatesUseWork() {
        String t = "{% set users = messages | selectattr('role', 'equalto', 'user') | list %}{{ users | length }}"
                + "{% for m in messages %}{% if m == users[-1] %}|last user: {{ m.content }}{% endif %}{% endfor %}"
                + "|{% for key, val in tools[0].items() if key != 'return' %}{{ key }}{% if val is string %}=s"
                + "{% elif val is mapping %}=m{% endif %};{% endfor %}"
                + "|{% set out = tools[0] | tojson %}{{ out[:-1] }}|{{ 'abc'[1:] }}|{{ (messages | last).role }}"
                + "|{% if nothing is none %}none{% endif %}|{{ 7 | string + 'x' }}|{{ messages | map(attribute='role') | join(',') }}"
                + "|{% for k, v in tools[0].items() if k != 'return' %}{{ loop.index }}{{ k }}{% if not loop.last %}, {% endif %}{% endfor %}";
        Map<String, Object> tool = new LinkedHashMap<>();
        tool.put("name", "f");
        tool.put("parameters", Map.of("a", 1));
        tool.put("return", "x");
        List<ChatMessage> msgs = List.of(ChatMessage.user("one"), ChatMessage.assistant("two"), ChatMessage.user("three"));
        Map<String, Object> vars = new LinkedHashMap<>();
        vars.put("nothing", null);
        assertThat(ChatTemplate.of(t, null, null).render(msgs, false, List.of(tool), vars))
                .isEqualTo("2|last user: three|name=s;parameters=m;"
                        + "|{\"name\": \"f\", \"parameters\": {\"a\": 1}, \"return\": \"x\"|bc|user|none|7x|user,assistant,user"
                        + "|1name, 2parameters");
    }

    @Test
    void contentAsAListOfPartsReachesTheTemplate() {
        String t = "{% for m in messages %}{% if m.content is string %}{{ m.content }}{% else %}"
                + "{% for p in m.content %}{% if p.type == 'text' %}{{ p.text }}{% endif %}{% endfor %}{% endif %}{% endfor %}";
        List<ChatMessage> msgs = List.of(new ChatMessage("user", List.of(Map.of("type", "text", "text", "Hello "),
                Map.of("type", "image"), Map.of("type", "text", "text", "there"))), ChatMessage.assistant("!"));
        assertThat(ChatTemplate.of(t, null, null).render(msgs, false)).isEqualTo("Hello there!");
    }

    @Test
    void modelsWithoutATemplateGetChatMl() {
        ChatTemplate t = ChatTemplate.fromConfig(TokenizerConfig.EMPTY);
        assertThat(t.source()).isEqualTo(ChatTemplate.CHATML);
        assertThat(t.render(List.of(ChatMessage.system("S"), ChatMessage.user("U")), true))
                .isEqualTo("<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nU<|im_end|>\n<|im_start|>assistant\n");
    }

    @Test
    void theConfigsTemplateAndSpecialTokensAreUsedIncludingTheNamedListForm() throws IOException {
        JsonNode config = JSON.readTree("""
                {"bos_token": {"content": "<s>"}, "eos_token": "</s>",
                 "chat_template": [{"name": "default", "template": "{{ bos_token }}{{ messages[0].content }}{{ eos_token }}"},
                                   {"name": "tool_use", "template": "T{{ tools | length }}"}]}""");
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("chat-config");
        java.nio.file.Files.writeString(dir.resolve("tokenizer_config.json"), config.toString());
        TokenizerConfig tc = TokenizerConfig.load(dir);
        assertThat(ChatTemplate.fromConfig(tc).render(List.of(ChatMessage.user("hi")), false)).isEqualTo("<s>hi</s>");
        assertThat(ChatTemplate.fromConfig(tc, "tool_use").render(List.of(), false, List.of(Map.of()), Map.of())).isEqualTo("T1");
        assertThat(ChatTemplate.fromConfig(tc, "absent").render(List.of(ChatMessage.user("x")), false)).isEqualTo("<s>x</s>");
    }

    @Test
    void brokenTemplatesFailWithTheirLine() {
        assertThatThrownBy(() -> ChatTemplate.of("line one\n{% for m in messages %}{{ m.role }", null, null)
                .render(List.of(ChatMessage.user("x")), false))
                .isInstanceOfSatisfying(ChatTemplateException.class, e -> assertThat(e.raisedByTemplate()).isFalse());
    }
}
