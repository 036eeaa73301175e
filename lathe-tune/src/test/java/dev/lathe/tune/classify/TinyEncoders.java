package dev.lathe.tune.classify;

import dev.lathe.models.family.DecoderFamilies;
import dev.lathe.models.family.bert.BertModel;
import dev.lathe.models.format.Weights;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;

/** The tiny random test models as classifier encoders (heap copies, so the mapped files can close at once). */
final class TinyEncoders {
    private TinyEncoders() {}

    static Path resource(String path) {
        try {
            return Path.of(TinyEncoders.class.getResource("/" + path).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("missing test resource " + path, e);
        }
    }

    /** tiny-models/bert-tiny: 2 layers, hidden 16, vocab 40, 12 positions. */
    static BertEncoder bert() {
        try (BertModel m = BertModel.load(resource("tiny-models/bert-tiny"))) {
            return BertEncoder.of(m);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** tiny-models/llama-gqa: 2 layers, hidden 32, vocab 61. */
    static DecoderEncoder llama() {
        Path dir = resource("tiny-models/llama-gqa");
        try (Weights w = Weights.open(dir)) {
            return DecoderEncoder.of(DecoderFamilies.load(dir, w));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
