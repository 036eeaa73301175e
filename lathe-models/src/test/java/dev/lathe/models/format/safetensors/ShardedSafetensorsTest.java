package dev.lathe.models.format.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lathe.engine.tensor.DType;
import dev.lathe.engine.tensor.Tensor;
import dev.lathe.models.format.Weights;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShardedSafetensorsTest {
    private static final String SHARD1 = "model-00001-of-00002.safetensors";
    private static final String SHARD2 = "model-00002-of-00002.safetensors";

    @TempDir
    Path dir;

    @BeforeEach
    void writeShards() throws IOException {
        Map<String, Tensor> first = new LinkedHashMap<>();
        first.put("embed.weight", Tensor.randn(1, 5, 4));
        first.put("layers.0.weight", Tensor.randn(2, 4, 4).to(DType.BF16));
        SafetensorsWriter.write(dir.resolve(SHARD1), first, Map.of("format", "pt"));
        Map<String, Tensor> second = new LinkedHashMap<>();
        second.put("layers.1.weight", Tensor.randn(3, 4, 4).to(DType.F16));
        second.put("norm.weight", Tensor.full(1f, 4));
        SafetensorsWriter.write(dir.resolve(SHARD2), second, Map.of("format", "pt"));
    }

    private void index(String weightMap) throws IOException {
        Files.writeString(dir.resolve(Weights.SHARD_INDEX),
                "{\"metadata\": {\"total_size\": 176}, \"weight_map\": {" + weightMap + "}}");
    }

    private void goodIndex() throws IOException {
        index("\"embed.weight\": \"" + SHARD1 + "\", \"layers.0.weight\": \"" + SHARD1 + "\", "
                + "\"layers.1.weight\": \"" + SHARD2 + "\", \"norm.weight\": \"" + SHARD2 + "\"");
    }

    @Test
    void allShardsShareOneNameSpaceAndEachIsOpenedOnce() throws IOException {
        goodIndex();
        try (ShardedSafetensors w = ShardedSafetensors.open(dir)) {
            assertThat(w.names()).containsExactlyInAnyOrder("embed.weight", "layers.0.weight", "layers.1.weight",
                    "norm.weight");
            assertThat(w.shards()).extracting(SafetensorsFile::path)
                    .containsExactly(dir.toAbsolutePath().resolve(SHARD1), dir.toAbsolutePath().resolve(SHARD2));
            assertThat(w.metadata()).containsEntry("total_size", "176");
            assertThat(w.tensor("layers.0.weight").toFloatArray())
                    .isEqualTo(Tensor.randn(2, 4, 4).to(DType.BF16).toFloatArray());
            assertThat(w.tensor("layers.1.weight").dtype()).isEqualTo(DType.F16);
            assertThat(w.info("norm.weight").shape()).containsExactly(4);
            assertThat(w.shardFor("norm.weight").path().getFileName().toString()).isEqualTo(SHARD2);
            assertThatThrownBy(() -> w.tensor("nope")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'nope'").hasMessageContaining(Weights.SHARD_INDEX);
        }
    }

    @Test
    void closingClosesEveryShard() throws IOException {
        goodIndex();
        ShardedSafetensors w = ShardedSafetensors.open(dir.resolve(Weights.SHARD_INDEX));
        Tensor a = w.tensor("embed.weight");
        Tensor b = w.tensor("norm.weight");
        w.close();
        assertThatThrownBy(() -> a.get(0, 0)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> b.get(0)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void weightsOpenChoosesShardedOrSingleByWhatIsThere() throws IOException {
        goodIndex();
        try (Weights w = Weights.open(dir)) {
            assertThat(w).isInstanceOf(ShardedSafetensors.class);
            assertThat(w.contains("norm.weight")).isTrue();
        }
        try (Weights w = Weights.open(dir.resolve(Weights.SHARD_INDEX))) {
            assertThat(w).isInstanceOf(ShardedSafetensors.class);
        }
        try (Weights w = Weights.open(dir.resolve(SHARD2))) {
            assertThat(w).isInstanceOf(SafetensorsFile.class);
            assertThat(w.names()).containsExactly("layers.1.weight", "norm.weight");
        }
        Path single = Files.createDirectory(dir.resolve("single"));
        SafetensorsWriter.write(single.resolve(Weights.SINGLE_FILE), Map.of("x", Tensor.scalar(2)), null);
        try (Weights w = Weights.open(single)) {
            assertThat(w).isInstanceOf(SafetensorsFile.class);
            assertThat(w.tensor("x").item()).isEqualTo(2f);
        }
    }

    @Test
    void weightsOpenExplainsAnEmptyDirectoryOrAMissingPath() throws IOException {
        Path empty = Files.createDirectory(dir.resolve("empty"));
        assertThatThrownBy(() -> Weights.open(empty)).isInstanceOf(IOException.class)
                .hasMessageContaining(empty.toString()).hasMessageContaining(Weights.SHARD_INDEX)
                .hasMessageContaining(Weights.SINGLE_FILE);
        assertThatThrownBy(() -> Weights.open(dir.resolve("absent"))).isInstanceOf(IOException.class)
                .hasMessageContaining("absent");
    }

    private void assertRejected(String... fragments) {
        assertThatThrownBy(() -> ShardedSafetensors.open(dir).close())
                .isInstanceOf(SafetensorsFormatException.class)
                .hasMessageContaining(Weights.SHARD_INDEX)
                .hasMessageContainingAll(fragments);
    }

    @Test
    void aMissingShard() throws IOException {
        index("\"embed.weight\": \"" + SHARD1 + "\", \"extra.weight\": \"model-00003.safetensors\"");
        assertRejected("tensor 'extra.weight'", "shard 'model-00003.safetensors'", "does not exist");
    }

    @Test
    void aTensorListedInTheIndexButAbsentFromItsShard() throws IOException {
        index("\"embed.weight\": \"" + SHARD1 + "\", \"ghost.weight\": \"" + SHARD1 + "\"");
        assertRejected("tensor 'ghost.weight'", "shard '" + SHARD1 + "'", "does not contain it");
        index("\"embed.weight\": \"" + SHARD2 + "\", \"norm.weight\": \"" + SHARD1 + "\"");
        assertRejected("tensor 'embed.weight'", "does not contain it", "(it is in '" + SHARD1 + "')");
    }

    @Test
    void aTensorPresentInTwoShards() throws IOException {
        SafetensorsWriter.write(dir.resolve(SHARD2), Map.of("embed.weight", Tensor.zeros(5, 4)), null);
        index("\"embed.weight\": \"" + SHARD1 + "\", \"other\": \"" + SHARD2 + "\"");
        assertRejected("tensor 'embed.weight'", "two shards", SHARD1, SHARD2);
    }

    @Test
    void aShardOutsideTheModelDirectory() throws IOException {
        index("\"embed.weight\": \"../" + SHARD1 + "\"");
        assertRejected("tensor 'embed.weight'", "not a file inside");
        index("\"embed.weight\": \"/etc/hostname\"");
        assertRejected("not a file inside");
    }

    @Test
    void malformedIndexes() throws IOException {
        Files.writeString(dir.resolve(Weights.SHARD_INDEX), "{\"weight_map\": {");
        assertRejected("not valid JSON");
        Files.writeString(dir.resolve(Weights.SHARD_INDEX), "{\"metadata\": {}}");
        assertRejected("no \"weight_map\" object");
        index("\"a\": \"" + SHARD1 + "\", \"a\": \"" + SHARD2 + "\"");
        assertRejected("Duplicate field 'a'");
        index("\"a\": 3");
        assertRejected("tensor 'a'", "not a file name");
        Files.write(dir.resolve(Weights.SHARD_INDEX), new byte[] {'{', (byte) 0xFF, '}'});
        assertRejected("not valid UTF-8");
    }

    @Test
    void aCorruptShardIsReportedWithItsOwnName() throws IOException {
        goodIndex();
        Files.write(dir.resolve(SHARD2), new byte[] {1, 2, 3});
        assertThatThrownBy(() -> ShardedSafetensors.open(dir)).isInstanceOf(SafetensorsFormatException.class)
                .hasMessageContaining(SHARD2).hasMessageContaining("too short");
    }
}
