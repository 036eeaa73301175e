package dev.lathe.models.family;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.models.format.Weights;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Test resources: the tiny reference models of tools/reference/models.py and their expected logits. */
final class TinyModels {
    private TinyModels() {}

    /** One reference sequence: its ids and the logits (T, V) PyTorch computed for every position. */
    record Sequence(int[] ids, float[][] logits) {}

    record Loaded(DecoderModel model, Weights weights, List<Sequence> sequences) implements AutoCloseable {
        @Override
        public void close() {
            weights.close();
        }
    }

    static Path resource(String path) {
        try {
            return Path.of(TinyModels.class.getResource("/" + path).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("missing test resource " + path, e);
        }
    }

    static Loaded load(String name) {
        Path dir = resource("tiny-models/" + name);
        try {
            Weights weights = Weights.open(dir);
            DecoderModel model = DecoderFamilies.load(dir, weights);
            return new Loaded(model, weights, expected(dir.resolve("expected.json")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Sequence> expected(Path file) throws IOException {
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        List<Sequence> out = new ArrayList<>();
        for (JsonNode s : root.get("sequences")) {
            int[] ids = new int[s.get("ids").size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = s.get("ids").get(i).intValue();
            }
            int t = s.get("shape").get(0).intValue();
            int v = s.get("shape").get(1).intValue();
            float[][] logits = new float[t][v];
            JsonNode data = s.get("logits");
            for (int i = 0; i < t; i++) {
                for (int j = 0; j < v; j++) {
                    logits[i][j] = (float) data.get(i * v + j).doubleValue();
                }
            }
            out.add(new Sequence(ids, logits));
        }
        return out;
    }
}
