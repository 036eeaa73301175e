package dev.lathe.models.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/** Repositories and settings shared by the hub tests. */
final class HubTestRepos {
    static final String REPO = "TestOrg/Tiny-Model";
    static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";
    static final String SHARDED = "TestOrg/Sharded";
    static final String SHARDED_COMMIT = "89abcdef0123456789abcdef0123456789abcdef";
    static final byte[] CONFIG = "{\"model_type\": \"llama\", \"hidden_size\": 8}".getBytes(StandardCharsets.UTF_8);
    static final byte[] TOKENIZER = "{\"model\": {\"type\": \"BPE\"}}".getBytes(StandardCharsets.UTF_8);
    static final byte[] WEIGHTS = bytes(300_000, 1);

    private HubTestRepos() {
    }

    /** Asserts that a thrown exception is a {@link HubException} of the given kind. */
    static Consumer<Throwable> hubError(HubException.Kind kind) {
        return t -> assertThat(t).isInstanceOfSatisfying(HubException.class, e -> assertThat(e.kind()).isEqualTo(kind));
    }

    static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** A one-file model beside files a download must skip (README, .bin, .gguf, ONNX). */
    static void addTinyModel(FakeHub fake) {
        fake.addRepo(REPO, COMMIT);
        fake.addFile(REPO, "config.json", CONFIG, false);
        fake.addFile(REPO, "tokenizer.json", TOKENIZER, false);
        fake.addFile(REPO, "tokenizer_config.json", "{}".getBytes(StandardCharsets.UTF_8), false);
        fake.addFile(REPO, "README.md", "# tiny".getBytes(StandardCharsets.UTF_8), false);
        fake.addFile(REPO, "model.safetensors", WEIGHTS, true);
        fake.addFile(REPO, "pytorch_model.bin", bytes(1000, 2), true);
        fake.addFile(REPO, "onnx/model.onnx", bytes(1000, 3), true);
        fake.addFile(REPO, "gguf/tiny-Q8_0.gguf", bytes(5000, 4), true);
    }

    /** Two shards named by an index, and a consolidated copy a download must skip. */
    static void addShardedModel(FakeHub fake) {
        fake.addRepo(SHARDED, SHARDED_COMMIT);
        fake.addFile(SHARDED, "config.json", CONFIG, false);
        fake.addFile(SHARDED, "model.safetensors.index.json", ("{\"metadata\": {\"total_size\": 3000},"
                + " \"weight_map\": {\"a\": \"model-00001-of-00002.safetensors\","
                + " \"b\": \"model-00002-of-00002.safetensors\", \"c\": \"model-00002-of-00002.safetensors\"}}")
                .getBytes(StandardCharsets.UTF_8), false);
        fake.addFile(SHARDED, "model-00001-of-00002.safetensors", bytes(2000, 5), true);
        fake.addFile(SHARDED, "model-00002-of-00002.safetensors", bytes(1000, 6), true);
        fake.addFile(SHARDED, "consolidated.safetensors", bytes(3000, 7), true);
    }

    /** Settings for a cache under {@code home} talking to {@code fake}, with quick retries. */
    static HubSettings settings(Path home, FakeHub fake, String token, int retries) {
        Map<String, String> env = new HashMap<>();
        env.put("HF_HOME", home.toString());
        env.put("HF_ENDPOINT", fake.endpoint());
        if (token != null) {
            env.put("HF_TOKEN", token);
        }
        return HubSettings.fromEnvironment(env).withRetries(retries, Duration.ofMillis(1), Duration.ofSeconds(5),
                Duration.ofSeconds(5));
    }
}
