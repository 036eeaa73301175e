package dev.lathe.serve.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.models.chat.ChatMessage;
import dev.lathe.serve.TestServer;
import dev.lathe.serve.registry.ChatPipeline;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A {@link ChatPipeline} served on the chat route: its own replies and the served model's generations come
 * back as ordinary chat completions with the pipeline's decision in the extra {@code lathe} object.
 */
class PipelineRouteTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROMPT = "Once upon a time";
    private static TestServer server;

    /** Hands "human" messages over, lets the served model continue a fixed prompt otherwise. */
    static final class Router implements ChatPipeline {
        @Override
        public Step route(List<ChatMessage> messages) {
            String last = (String) messages.getLast().content();
            if (last.contains("human")) {
                return new Reply("A person will answer.", Map.of("escalated", true, "ticket_id", "esc_1"));
            }
            return new Generate(TestServer.MODEL, PROMPT, List.of(), Map.of("escalated", false));
        }
    }

    @BeforeAll
    static void start() throws Exception {
        server = new TestServer(TestServer.tinyConfig());
        server.server.registry().addPipeline("pipe", new Router());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aPipelineReplyIsAnOrdinaryCompletionWithTheDecisionBeside() throws Exception {
        JsonNode body = chat("{\"model\":\"pipe\",\"messages\":[{\"role\":\"user\",\"content\":\"a human please\"}]}");
        assertThat(body.get("object").asText()).isEqualTo("chat.completion");
        assertThat(body.get("model").asText()).isEqualTo("pipe");
        assertThat(body.at("/choices/0/message/content").asText()).isEqualTo("A person will answer.");
        assertThat(body.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(body.at("/lathe/escalated").asBoolean()).isTrue();
        assertThat(body.at("/lathe/ticket_id").asText()).isEqualTo("esc_1");
    }

    @Test
    void aGenerateStepAnswersAsTheServedModelContinuesThePipelinesPrompt() throws Exception {
        JsonNode body = chat("{\"model\":\"pipe\",\"max_tokens\":12,\"temperature\":0,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"tell me a story\"}]}");
        JsonNode plain = JSON.readTree(server.post("/v1/completions", "{\"model\":\"" + TestServer.MODEL
                + "\",\"prompt\":\"" + PROMPT + "\",\"max_tokens\":12,\"temperature\":0}").body());
        assertThat(body.at("/choices/0/message/content").asText()).isNotBlank()
                .isEqualTo(plain.at("/choices/0/text").asText().strip());
        assertThat(body.at("/lathe/escalated").asBoolean()).isFalse();
        assertThat(body.at("/usage/completion_tokens").asInt()).isEqualTo(plain.at("/usage/completion_tokens").asInt());
    }

    @Test
    void aStreamedReplyCarriesTheContentThenTheDecisionOnTheFinishingChunk() throws Exception {
        HttpResponse<String> r = server.post("/v1/chat/completions", "{\"model\":\"pipe\",\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"human\"}]}");
        assertThat(r.statusCode()).isEqualTo(200);
        List<String> events = r.body().lines().filter(l -> l.startsWith("data: ")).map(l -> l.substring(6)).toList();
        assertThat(events.getLast()).isEqualTo("[DONE]");
        JsonNode content = JSON.readTree(events.get(1));
        JsonNode finish = JSON.readTree(events.get(2));
        assertThat(content.at("/choices/0/delta/content").asText()).isEqualTo("A person will answer.");
        assertThat(finish.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(finish.at("/lathe/escalated").asBoolean()).isTrue();
    }

    @Test
    void thePipelineIsListedAndRefusesSeveralChoices() throws Exception {
        assertThat(server.get("/v1/models").body()).contains("\"id\":\"pipe\"");
        HttpResponse<String> r = server.post("/v1/chat/completions", "{\"model\":\"pipe\",\"n\":2,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(r.body()).at("/error/param").asText()).isEqualTo("n");
    }

    private static JsonNode chat(String json) throws Exception {
        HttpResponse<String> r = server.post("/v1/chat/completions", json);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }
}
