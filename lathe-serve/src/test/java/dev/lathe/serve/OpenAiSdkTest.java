package dev.lathe.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.ChatModel;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.models.Model;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The official OpenAI Java SDK, unchanged but for the base URL, against a real server. */
class OpenAiSdkTest {
    static TestServer server;
    static OpenAIClient client;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.shared();
        client = OpenAIOkHttpClient.builder().baseUrl(server.url() + "/v1").apiKey("unused-on-loopback")
                .maxRetries(0).build();
    }

    @AfterAll
    static void stop() {
        if (client != null) client.close();
    }

    @Test
    void theSdkListsAndRetrievesTheServedModel() {
        List<Model> models = client.models().list().data();
        assertThat(models).extracting(Model::id).containsExactly(TestServer.MODEL);
        Model m = client.models().retrieve(TestServer.MODEL);
        assertThat(m.id()).isEqualTo(TestServer.MODEL);
        assertThat(m.ownedBy()).isEqualTo("lathe");
        assertThat(m.created()).isPositive();
    }

    @Test
    void theSdkGetsALegacyCompletionWithUsage() {
        Completion c = client.completions().create(CompletionCreateParams.builder()
                .model(TestServer.MODEL).prompt("Once upon a time").maxTokens(12).temperature(0.0).build());
        assertThat(c.id()).startsWith("cmpl-");
        assertThat(c.choices()).hasSize(1);
        assertThat(c.choices().get(0).text()).isNotBlank();
        assertThat(c.choices().get(0).finishReason().asString()).isIn("length", "stop");
        assertThat(c.usage().orElseThrow().completionTokens()).isBetween(1L, 12L);
        assertThat(c.usage().orElseThrow().promptTokens()).isPositive();
        assertThat(c.model()).isEqualTo(TestServer.MODEL);
    }

    @Test
    void theSdkGetsAChatCompletionAndTheSameTextStreamed() {
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model(ChatModel.of(TestServer.MODEL))
                .addSystemMessage("You tell short stories.").addUserMessage("Tell me about a cat.")
                .maxCompletionTokens(16).temperature(0.0).n(2)
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build();
        ChatCompletion plain = client.chat().completions().create(params.toBuilder().streamOptions(
                (ChatCompletionStreamOptions) null).build());
        assertThat(plain.id()).startsWith("chatcmpl-");
        assertThat(plain.choices()).hasSize(2);
        String text = plain.choices().get(0).message().content().orElseThrow();
        assertThat(text).isNotEmpty();
        assertThat(plain.choices().get(1).message().content().orElseThrow()).isEqualTo(text); // greedy
        assertThat(plain.usage().orElseThrow().completionTokens()).isBetween(2L, 32L);

        StringBuilder[] streamed = {new StringBuilder(), new StringBuilder()};
        List<String> finishes = new ArrayList<>();
        long[] usage = {-1};
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
            stream.stream().forEach(chunk -> {
                assertThat(chunk.id()).startsWith("chatcmpl-");
                chunk.usage().ifPresent(u -> usage[0] = u.completionTokens());
                for (ChatCompletionChunk.Choice ch : chunk.choices()) {
                    ch.delta().content().ifPresent(streamed[(int) ch.index()]::append);
                    ch.finishReason().ifPresent(f -> finishes.add(f.asString()));
                }
            });
        }
        assertThat(streamed[0].toString()).isEqualTo(text);
        assertThat(streamed[1].toString()).isEqualTo(text);
        assertThat(finishes).hasSize(2);
        assertThat(usage[0]).isEqualTo(plain.usage().orElseThrow().completionTokens());
    }
}
