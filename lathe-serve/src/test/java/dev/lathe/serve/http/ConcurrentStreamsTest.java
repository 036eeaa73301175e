package dev.lathe.serve.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.serve.TestServer;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * 32 streaming chat clients at once, every fourth hanging up after three events: every stream that
 * completes is well formed (role first, content deltas, one finish_reason, usage, [DONE]) and agrees with
 * the others (same greedy prompt), every request is answered exactly once (ids and access-log lines), the
 * hung-up generations stop early, and the server is healthy and idle afterwards.
 */
class ConcurrentStreamsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final int CLIENTS = 32;
    static final int MAX_TOKENS = 40;

    record Outcome(boolean hungUp, String id, String text, int finishes, long usageTokens, boolean done) {}

    @Test
    void thirtyTwoStreamsSomeHangingUpAllWellFormedNoneLostServerHealthy() throws Exception {
        TestServer server = TestServer.shared();
        int logBefore = server.accessLog.size();
        HttpClient client = HttpClient.newHttpClient();
        String body = "{\"model\": \"tiny\", \"stream\": true, \"stream_options\": {\"include_usage\": true},"
                + " \"max_tokens\": " + MAX_TOKENS + ", \"temperature\": 0, \"logit_bias\": {\"2\": -100},"
                + " \"messages\": [{\"role\": \"user\", \"content\": \"Tell me a story about a red ball.\"}]}";
        HttpRequest req = HttpRequest.newBuilder(URI.create(server.url() + "/v1/chat/completions"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        List<Outcome> outcomes = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Outcome>> futures = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                boolean hangUp = i % 4 == 3;
                futures.add(pool.submit(() -> read(client, req, hangUp)));
            }
            for (Future<Outcome> f : futures) outcomes.add(f.get());
        }
        Set<String> ids = new HashSet<>();
        List<Outcome> complete = outcomes.stream().filter(o -> !o.hungUp()).toList();
        for (Outcome o : outcomes) assertThat(ids.add(o.id())).as("ids are unique").isTrue();
        for (Outcome o : complete) {
            assertThat(o.done()).isTrue();
            assertThat(o.finishes()).isEqualTo(1);
            assertThat(o.usageTokens()).isEqualTo(MAX_TOKENS);
            assertThat(o.text()).isEqualTo(complete.get(0).text());
        }
        // every request logged exactly once; the hung-up ones stopped well before max_tokens
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (server.accessLog.size() - logBefore < CLIENTS && System.nanoTime() < deadline) Thread.sleep(20);
        List<JsonNode> lines = new ArrayList<>();
        for (String l : server.accessLog.subList(logBefore, server.accessLog.size())) lines.add(JSON.readTree(l));
        List<JsonNode> chat = lines.stream().filter(l -> l.get("path").asText().equals("/v1/chat/completions")).toList();
        assertThat(chat).hasSize(CLIENTS);
        List<JsonNode> gone = chat.stream().filter(l -> l.path("client_disconnected").asBoolean()).toList();
        assertThat(gone).hasSize(CLIENTS / 4);
        for (JsonNode l : gone) assertThat(l.get("completion_tokens").asInt()).isLessThan(MAX_TOKENS);
        for (JsonNode l : chat) assertThat(l.has("prompt")).as("no prompt text in the access log").isFalse();
        assertThat(server.get("/health").statusCode()).isEqualTo(200);
        deadline = System.nanoTime() + 10_000_000_000L;
        String ready = "";
        while (System.nanoTime() < deadline) {
            ready = server.get("/ready").body();
            if (ready.contains("\"queue_depth\":0") && ready.contains("\"active_sequences\":0")) break;
            Thread.sleep(20);
        }
        assertThat(ready).contains("\"queue_depth\":0").contains("\"active_sequences\":0");
    }

    private static Outcome read(HttpClient client, HttpRequest req, boolean hangUp) throws Exception {
        HttpResponse<InputStream> r = client.send(req, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        String id = null;
        StringBuilder text = new StringBuilder();
        int events = 0;
        int finishes = 0;
        long usage = -1;
        boolean done = false;
        boolean roleSeen = false;
        try (InputStream in = r.body();
                BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                if (!line.startsWith("data: ")) continue;
                String data = line.substring(6);
                if (data.equals("[DONE]")) {
                    done = true;
                    break;
                }
                JsonNode chunk = JSON.readTree(data);
                assertThat(chunk.get("object").asText()).isEqualTo("chat.completion.chunk");
                if (id == null) id = chunk.get("id").asText();
                assertThat(chunk.get("id").asText()).isEqualTo(id);
                if (chunk.hasNonNull("usage")) usage = chunk.at("/usage/completion_tokens").asLong();
                for (JsonNode ch : chunk.get("choices")) {
                    JsonNode delta = ch.get("delta");
                    if (delta.has("role")) {
                        assertThat(roleSeen).as("role only on the first chunk").isFalse();
                        roleSeen = true;
                    }
                    if (delta.has("content")) text.append(delta.get("content").asText());
                    if (ch.hasNonNull("finish_reason")) finishes++;
                }
                if (++events == 3 && hangUp) break; // closing the stream drops the connection
            }
        }
        assertThat(roleSeen).isTrue();
        return new Outcome(hangUp, id, text.toString(), finishes, usage, done);
    }
}
