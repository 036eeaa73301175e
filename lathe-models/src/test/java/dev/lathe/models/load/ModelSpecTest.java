package dev.lathe.models.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lathe.models.hub.DownloadListener;
import dev.lathe.models.hub.ModelRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Model specs are told apart by what is on disk, and every wrong one is refused with a clear message. */
class ModelSpecTest {
    @TempDir
    Path dir;

    static Path resource(String path) {
        return RealModelGenerationTest.resource(path);
    }

    ModelLoader loader() {
        return new ModelLoader(new LatheCache(dir.resolve("cache")), () -> {
            throw new AssertionError("no hub");
        }, DownloadListener.none(), msg -> {});
    }

    @Test
    void eachFormIsRecognised() throws IOException {
        assertThat(ModelSpec.parse("hf:Org/Name@v1")).isEqualTo(new ModelSpec.Hub(new ModelRef("Org", "Name", "v1")));
        Path folder = resource("TinyStories-656K");
        assertThat(ModelSpec.parse(folder.toString())).isEqualTo(new ModelSpec.HfFolder(folder));
        Path gguf = dir.resolve("renamed.model");
        Files.write(gguf, new byte[] {'G', 'G', 'U', 'F', 3, 0, 0, 0});
        assertThat(ModelSpec.parse(gguf.toString())).isEqualTo(new ModelSpec.Gguf(gguf));
        Path bin = resource("stories260K/stories260K.bin");
        Path tok = resource("stories260K/tok512.bin");
        assertThat(ModelSpec.parse(bin.toString(), tok)).isEqualTo(new ModelSpec.Llama2c(bin, tok));
        assertThat(ModelSpec.parse(bin.toString())).isEqualTo(new ModelSpec.Llama2c(bin, null));
    }

    @Test
    void wrongSpecsNameTheProblem() throws IOException {
        assertThatThrownBy(() -> ModelSpec.parse(" ")).hasMessageContaining("no model given");
        assertThatThrownBy(() -> ModelSpec.parse(dir.resolve("nope").toString()))
                .hasMessageContainingAll("no such file or folder", "nope", "hf:Org/Name");
        assertThatThrownBy(() -> ModelSpec.parse("Org/Name")).hasMessageContaining("for the hub write hf:Org/Name");
        assertThatThrownBy(() -> ModelSpec.parse(dir.toString())).hasMessageContaining("without config.json");
        Path fake = dir.resolve("fake.gguf");
        Files.writeString(fake, "not gguf");
        assertThatThrownBy(() -> ModelSpec.parse(fake.toString())).hasMessageContainingAll("fake.gguf", "not a GGUF file");
        Path txt = dir.resolve("notes.txt");
        Files.writeString(txt, "hello");
        assertThatThrownBy(() -> ModelSpec.parse(txt.toString())).hasMessageContainingAll("notes.txt", "unknown model format");
        Path st = resource("TinyStories-656K/model.safetensors");
        assertThatThrownBy(() -> ModelSpec.parse(st.toString())).hasMessageContaining("name the model folder");
        assertThatThrownBy(() -> ModelSpec.parse(resource("TinyStories-656K").toString(), resource("stories260K/tok512.bin")))
                .hasMessageContaining("applies only to llama2.c");
        assertThatThrownBy(() -> ModelSpec.parse("hf:bad")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void loadingRefusesWhatCannotGenerate() {
        ModelLoader loader = loader();
        assertThatThrownBy(() -> loader.load(ModelSpec.parse(resource("stories260K/stories260K.bin").toString())))
                .hasMessageContainingAll("stories260K.bin", "needs its tokenizer", "--tokenizer");
        assertThatThrownBy(() -> loader.load(ModelSpec.parse(resource("bert-tiny").toString())))
                .hasMessageContainingAll("bert-tiny", "BERT", "cannot generate");
        Path noTokenizer = RealModelGenerationTest.resource("../tiny-models/llama-tied");
        assertThatThrownBy(() -> loader.load(ModelSpec.parse(noTokenizer.toString())))
                .hasMessageContainingAll("llama-tied", "no tokenizer.json");
    }

    @Test
    void aTruncatedCheckpointFailsAndLeavesNoHalfConversionInTheCache() throws IOException {
        byte[] good = Files.readAllBytes(resource("stories260K/stories260K.bin"));
        Path bad = dir.resolve("cut.bin");
        Files.write(bad, java.util.Arrays.copyOf(good, 1000));
        ModelLoader loader = loader();
        assertThatThrownBy(() -> loader.load(ModelSpec.parse(bad.toString(), resource("stories260K/tok512.bin"))))
                .hasMessageContaining("cut.bin");
        assertThat(loader.cache().listConverted()).isEmpty();
        try (var s = Files.list(loader.cache().convertedRoot())) {
            assertThat(s.toList()).isEmpty();
        }
    }

    @Test
    void cacheLocationFollowsPropertyThenLatheCacheThenXdg() {
        assertThat(LatheCache.fromEnvironment(Map.of("LATHE_CACHE", "/a", "XDG_CACHE_HOME", "/x"), "/p").root())
                .isEqualTo(Path.of("/p"));
        assertThat(LatheCache.fromEnvironment(Map.of("LATHE_CACHE", "/a", "XDG_CACHE_HOME", "/x"), null).root())
                .isEqualTo(Path.of("/a"));
        assertThat(LatheCache.fromEnvironment(Map.of("XDG_CACHE_HOME", "/x"), null).root()).isEqualTo(Path.of("/x/lathe"));
        assertThat(LatheCache.fromEnvironment(Map.of(), null).root())
                .isEqualTo(Path.of(System.getProperty("user.home"), ".cache", "lathe"));
    }

    @Test
    void theConversionKeyChangesWhenTheSourceChanges() throws IOException {
        Path f = dir.resolve("m.gguf");
        Files.writeString(f, "GGUF1");
        String before = LatheCache.folderName(List.of(f));
        Files.writeString(f, "GGUF12");
        assertThat(LatheCache.folderName(List.of(f))).startsWith("m-").isNotEqualTo(before);
    }

    @Test
    void generationDefaultsFollowHuggingFace() throws IOException {
        Files.writeString(dir.resolve("generation_config.json"),
                "{\"do_sample\": true, \"temperature\": 0.6, \"top_p\": 0.9, \"max_new_tokens\": 42}");
        GenerationDefaults d = GenerationDefaults.read(dir);
        var p = d.toBuilder().build();
        assertThat(p.temperature()).isEqualTo(0.6f);
        assertThat(p.topP()).isEqualTo(0.9f);
        assertThat(p.topK()).isEqualTo(50);
        assertThat(p.maxTokens()).isEqualTo(42);
        Files.writeString(dir.resolve("generation_config.json"), "{\"temperature\": 0.6}");
        assertThat(GenerationDefaults.read(dir).toBuilder().build().temperature()).isZero();
        Files.writeString(dir.resolve("generation_config.json"), "{\"top_p\": \"high\"}");
        assertThatThrownBy(() -> GenerationDefaults.read(dir)).hasMessageContainingAll("generation_config.json", "top_p");
    }
}
