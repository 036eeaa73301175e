package dev.lathe.serve.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Parser fuzzing: any reply, however mangled, either comes back whole as text or as calls to defined
 * functions whose arguments are JSON objects; the parsers never throw.
 */
class ToolCallParserFuzzTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> PIECES = List.of("<tool_call>", "</tool_call>", "[TOOL_CALLS]", "[ARGS]",
            "<|python_tag|>", "{", "}", "[", "]", "\"name\"", "\"arguments\"", "\"parameters\"", ": ", ", ",
            "\"get_time\"", "\"get_weather\"", "\"zone\"", "\"UTC\"", "\"{\\\"zone\\\": 1}\"", "get_time", "hello ",
            "\n", " ", "null", "42");

    @Provide
    Arbitrary<String> replies() {
        return Arbitraries.of(PIECES).list().ofMaxSize(30).map(l -> String.join("", l));
    }

    @Property(tries = 600)
    void everyReplyIsTextOrWellFormedCalls(@ForAll("replies") String reply) throws Exception {
        for (ToolCallFormat format : ToolCallFormat.values()) {
            AssistantReply r = format.parse(reply, ToolCallFormatTest.tools());
            if (!r.hasToolCalls()) {
                assertThat(r.content()).isEqualTo(reply);
                continue;
            }
            for (ToolCall c : r.toolCalls()) {
                assertThat(c.name()).isIn("get_time", "get_weather");
                assertThat(JSON.readTree(c.arguments()).isObject()).isTrue();
                assertThat(c.id()).matches("call_[A-Za-z0-9]{24}");
            }
            assertThat(format.streamableLength(reply)).isBetween(0, reply.length());
        }
    }
}
