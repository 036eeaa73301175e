package dev.lathe.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** LangChain4j's OpenAI chat models, configured only with the server's base URL. */
class LangChain4jTest {
    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.shared();
    }

    ChatRequest request() {
        return ChatRequest.builder().messages(SystemMessage.from("You tell short stories."),
                UserMessage.from("Tell me about a dog.")).build();
    }

    @Test
    void theChatModelAndTheStreamingChatModelGiveTheSameGreedyAnswer() throws Exception {
        OpenAiChatModel chat = OpenAiChatModel.builder().baseUrl(server.url() + "/v1").apiKey("unused")
                .modelName(TestServer.MODEL).temperature(0.0).maxTokens(12).maxRetries(0).build();
        ChatResponse plain = chat.chat(request());
        String text = plain.aiMessage().text();
        assertThat(text).isNotEmpty();
        assertThat(plain.tokenUsage().outputTokenCount()).isBetween(1, 12);
        assertThat(plain.id()).startsWith("chatcmpl-");

        OpenAiStreamingChatModel streaming = OpenAiStreamingChatModel.builder().baseUrl(server.url() + "/v1")
                .apiKey("unused").modelName(TestServer.MODEL).temperature(0.0).maxTokens(12).build();
        StringBuilder partial = new StringBuilder();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        streaming.chat(request(), new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String token) {
                partial.append(token);
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                done.complete(response);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });
        ChatResponse streamed = done.get(60, TimeUnit.SECONDS);
        assertThat(partial.toString()).isEqualTo(text);
        assertThat(streamed.aiMessage().text()).isEqualTo(text);
        assertThat(streamed.finishReason()).isEqualTo(plain.finishReason());
    }
}
