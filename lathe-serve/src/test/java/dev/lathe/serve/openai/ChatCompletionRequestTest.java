package dev.lathe.serve.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.models.chat.ChatMessage;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Parsing chat requests: message shapes, the max-tokens aliases, and errors that name the field. */
class ChatCompletionRequestTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static ChatCompletionRequest parse(String json) throws Exception {
        return ChatCompletionRequest.parse(JSON.readTree(json));
    }

    @Test
    void textPartsJoinDeveloperBecomesSystemAndToolTurnsKeepTheirIds() throws Exception {
        ChatCompletionRequest r = parse("""
                {"model": "m", "max_completion_tokens": 7, "max_tokens": 99, "stop": "END", "n": 2,
                 "messages": [
                  {"role": "developer", "content": "be brief"},
                  {"role": "user", "content": [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]},
                  {"role": "assistant", "content": null,
                   "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}]},
                  {"role": "tool", "tool_call_id": "c1", "content": "42"}]}""");
        assertThat(r.sampling().maxTokens()).as("max_completion_tokens wins").isEqualTo(7);
        assertThat(r.sampling().stop()).containsExactly("END");
        assertThat(r.n()).isEqualTo(2);
        List<ChatMessage> m = r.messages();
        assertThat(m.get(0).role()).isEqualTo("system");
        assertThat(m.get(1).content()).isEqualTo("ab");
        assertThat(m.get(2).content()).isNull();
        assertThat(m.get(2).extra()).containsKey("tool_calls");
        assertThat(m.get(3).extra()).isEqualTo(Map.of("tool_call_id", "c1"));
    }

    @Test
    void errorsNameTheNestedField() {
        assertThatThrownBy(() -> parse("{\"model\": \"m\", \"messages\": [{\"role\": \"user\"}]}"))
                .isInstanceOfSatisfying(OpenAiException.class,
                        e -> assertThat(e.param()).isEqualTo("messages[0].content"));
        assertThatThrownBy(() -> parse("{\"model\": \"m\", \"messages\": [{\"role\": \"user\", \"content\": "
                + "[{\"type\": \"image_url\", \"image_url\": {\"url\": \"x\"}}]}]}"))
                .isInstanceOfSatisfying(OpenAiException.class,
                        e -> assertThat(e.param()).isEqualTo("messages[0].content[0].type"));
        assertThatThrownBy(() -> parse("{\"model\": \"m\", \"messages\": []}"))
                .isInstanceOfSatisfying(OpenAiException.class, e -> assertThat(e.param()).isEqualTo("messages"));
        assertThatThrownBy(() -> parse("{\"model\": \"m\", \"stop\": [\"a\",\"b\",\"c\",\"d\",\"e\"], "
                + "\"messages\": [{\"role\": \"user\", \"content\": \"x\"}]}"))
                .isInstanceOfSatisfying(OpenAiException.class, e -> assertThat(e.param()).isEqualTo("stop"));
    }
}
