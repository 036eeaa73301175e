package dev.lathe.serve.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.serve.ServerConfig;
import dev.lathe.serve.TestServer;
import dev.lathe.serve.auth.KeyStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server that requires keys, limits rates and body size, and batches one sequence with a queue of one:
 * 401 without or with a wrong key, 429 with OpenAI's rate-limit headers, 413 over the body limit, 503 with
 * Retry-After when the queue is full, and the admin reload behind a key.
 */
class GuardedServerTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dir;
    static TestServer server;
    static String alice;
    static String bob;
    static String carol;

    @BeforeAll
    static void start() throws Exception {
        Path keysFile = dir.resolve("keys.json");
        KeyStore keys = KeyStore.open(keysFile);
        alice = keys.add("alice", 2, null);
        bob = keys.add("bob", null, null);
        carol = keys.add("carol", null, 40);
        Path config = dir.resolve("serve.yaml");
        Files.writeString(config, """
                host: 127.0.0.1
                port: 0
                models:
                  - name: tiny
                    model: %s
                api_keys: keys.json
                require_api_key: true
                max_body_bytes: 2048
                cors_origins: ["https://app.example"]
                scheduler:
                  max_batch: 1
                  queue_capacity: 1
                """.formatted(TestServer.TINY_STORIES));
        server = new TestServer(ServerConfig.read(config), config);
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    static final String SMALL = "{\"model\": \"tiny\", \"prompt\": \"Hi\", \"max_tokens\": 2}";

    @Test
    void keysAreRequiredAndCheckedAndOnlyTheirHashIsStored() throws Exception {
        JsonNode none = OpenAiErrorsTest.error(server.post("/v1/completions", SMALL), 401);
        assertThat(none.get("code").asText()).isEqualTo("invalid_api_key");
        JsonNode wrong = OpenAiErrorsTest.error(server.post("/v1/completions", SMALL, "Authorization",
                "Bearer sk-lathe-not-a-real-key-at-all"), 401);
        assertThat(wrong.get("message").asText()).doesNotContain("not-a-real-key");
        assertThat(server.get("/v1/models", "Authorization", "Bearer " + bob).statusCode()).isEqualTo(200);
        assertThat(server.get("/health").statusCode()).isEqualTo(200); // public
        assertThat(server.server.keysRequired()).isTrue();
        String stored = Files.readString(dir.resolve("keys.json"));
        assertThat(stored).doesNotContain(bob).contains(KeyStore.sha256(bob));
        assertThat(server.log).anyMatch(l -> l.contains("API keys required"));
    }

    @Test
    void aKeyOverItsRequestRateGets429WithRateLimitHeaders() throws Exception {
        HttpResponse<String> first = server.post("/v1/completions", SMALL, "Authorization", "Bearer " + alice);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertThat(first.headers().firstValue("x-ratelimit-limit-requests")).contains("2");
        assertThat(first.headers().firstValue("x-ratelimit-remaining-requests")).contains("1");
        server.post("/v1/completions", SMALL, "Authorization", "Bearer " + alice);
        HttpResponse<String> third = server.post("/v1/completions", SMALL, "Authorization", "Bearer " + alice);
        JsonNode e = OpenAiErrorsTest.error(third, 429);
        assertThat(e.get("code").asText()).isEqualTo("rate_limit_exceeded");
        assertThat(e.get("type").asText()).isEqualTo("requests");
        assertThat(third.headers().firstValue("x-ratelimit-remaining-requests")).contains("0");
        assertThat(third.headers().firstValue("x-ratelimit-reset-requests")).isPresent();
        assertThat(third.headers().firstValue("retry-after")).isPresent();
        // another key is not affected
        assertThat(server.post("/v1/completions", SMALL, "Authorization", "Bearer " + bob).statusCode()).isEqualTo(200);
    }

    @Test
    void aKeyOverItsTokenRateGets429() throws Exception {
        String big = "{\"model\": \"tiny\", \"prompt\": \"Hi\", \"max_tokens\": 30, \"logit_bias\": {\"2\": -100}}";
        assertThat(server.post("/v1/completions", big, "Authorization", "Bearer " + carol).statusCode()).isEqualTo(200);
        JsonNode e = OpenAiErrorsTest.error(server.post("/v1/completions", big, "Authorization", "Bearer " + carol), 429);
        assertThat(e.get("type").asText()).isEqualTo("tokens");
    }

    @Test
    void aBodyOverTheLimitIs413() throws Exception {
        String body = "{\"model\": \"tiny\", \"prompt\": \"" + "x".repeat(4000) + "\"}";
        JsonNode e = OpenAiErrorsTest.error(server.post("/v1/completions", body, "Authorization", "Bearer " + bob), 413);
        assertThat(e.get("code").asText()).isEqualTo("request_too_large");
    }

    @Test
    void aFullQueueIs503WithRetryAfter() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        String longStream = "{\"model\": \"tiny\", \"prompt\": \"Once\", \"max_tokens\": 400, \"stream\": true,"
                + " \"logit_bias\": {\"2\": -100}}";
        HttpRequest req = HttpRequest.newBuilder(URI.create(server.url() + "/v1/completions"))
                .header("Authorization", "Bearer " + bob).POST(HttpRequest.BodyPublishers.ofString(longStream)).build();
        List<CompletableFuture<HttpResponse<String>>> running = List.of(
                client.sendAsync(req, HttpResponse.BodyHandlers.ofString()),
                client.sendAsync(req, HttpResponse.BodyHandlers.ofString()));
        // Once a sequence runs, the batch (1) is full: of a burst of requests one may wait, the rest are refused.
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline
                && !server.get("/ready").body().contains("\"active_sequences\":1")) {
            Thread.sleep(5);
        }
        HttpRequest small = HttpRequest.newBuilder(URI.create(server.url() + "/v1/completions"))
                .header("Authorization", "Bearer " + bob).POST(HttpRequest.BodyPublishers.ofString(SMALL)).build();
        List<CompletableFuture<HttpResponse<String>>> burst = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) burst.add(client.sendAsync(small, HttpResponse.BodyHandlers.ofString()));
        HttpResponse<String> refused = null;
        for (CompletableFuture<HttpResponse<String>> f : burst) {
            if (f.get().statusCode() == 503) refused = f.get();
            else assertThat(f.get().statusCode()).isEqualTo(200);
        }
        assertThat(refused).as("a third request while one runs and one waits").isNotNull();
        JsonNode e = OpenAiErrorsTest.error(refused, 503);
        assertThat(e.get("type").asText()).isEqualTo("server_error");
        assertThat(Integer.parseInt(refused.headers().firstValue("retry-after").orElseThrow())).isPositive();
        for (CompletableFuture<HttpResponse<String>> f : running) {
            assertThat(f.get().body()).endsWith("data: [DONE]\n\n");
        }
    }

    @Test
    void corsAllowsTheConfiguredOriginOnly() throws Exception {
        HttpResponse<String> ok = server.get("/health", "Origin", "https://app.example");
        assertThat(ok.headers().firstValue("access-control-allow-origin")).contains("https://app.example");
        HttpResponse<String> other = server.get("/health", "Origin", "https://evil.example");
        assertThat(other.headers().firstValue("access-control-allow-origin")).isEmpty();
    }

    @Test
    void reloadNeedsAKeyAndPicksUpKeysAddedSinceStart() throws Exception {
        OpenAiErrorsTest.error(server.post("/admin/reload", "{}"), 401);
        String dave = KeyStore.open(dir.resolve("keys.json")).add("dave", null, null);
        OpenAiErrorsTest.error(server.get("/v1/models", "Authorization", "Bearer " + dave), 401);
        HttpResponse<String> r = server.post("/admin/reload", "{}", "Authorization", "Bearer " + bob);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("keys file re-read: 4 keys");
        HttpResponse<String> now = server.get("/v1/models", "Authorization", "Bearer " + dave);
        assertThat(now.statusCode()).isEqualTo(200);
        assertThat(now.headers().firstValue("x-request-id").orElseThrow()).startsWith("req_");
    }
}
