package dev.lathe.cli;

import dev.lathe.engine.io.AtomicFolder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lathe.engine.tensor.Tensor;
import dev.lathe.models.format.HfModelFiles;
import dev.lathe.models.format.Weights;
import dev.lathe.models.format.gguf.GgmlType;
import dev.lathe.models.format.gguf.GgufFile;
import dev.lathe.models.format.gguf.GgufToHf;
import dev.lathe.models.format.gguf.HfToGguf;
import dev.lathe.models.format.llama2c.Llama2cCheckpoint;
import dev.lathe.models.format.llama2c.Llama2cTokenizer;
import dev.lathe.models.load.ModelSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lathe models convert}: llama2.c checkpoint to a Hugging Face folder, Hugging Face folder (or
 * hub reference) to GGUF, GGUF to a Hugging Face folder; also llama2.c or GGUF to GGUF (re-typed).
 * Hugging Face output is as stored (GGUF Q8_0/Q4_0 come back F32); {@code --type} picks the GGUF
 * weight type of matrices (vectors stay F32).
 */
@Command(name = "convert", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Convert a model: llama2.c .bin -> HF folder, HF folder -> GGUF, GGUF -> HF folder.",
                "Default --to: gguf for a Hugging Face folder or hf: reference, hf otherwise."})
final class ModelsConvertCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "IN", description = "HF folder, hf:Org/Name[@rev], .gguf file, or llama2.c .bin.")
    String in;

    @Option(names = "--out", required = true, paramLabel = "PATH",
            description = "Output: a new (or empty) folder for --to hf, a file for --to gguf.")
    Path out;

    @Option(names = "--to", paramLabel = "hf|gguf", description = "Output format.")
    String to;

    @Option(names = "--type", paramLabel = "TYPE", description = "GGUF weight type: f32 (default), f16, bf16, q8_0, q4_0.")
    String type;

    @Option(names = "--tokenizer", paramLabel = "FILE", description = "llama2.c tokenizer .bin (llama2.c input).")
    Path tokenizer;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        return CliSupport.guard(err, "models convert", () -> {
            ModelSpec source = ModelSpec.parse(in, tokenizer);
            String target = to != null ? to.toLowerCase(Locale.ROOT)
                    : source instanceof ModelSpec.HfFolder || source instanceof ModelSpec.Hub ? "gguf" : "hf";
            switch (target) {
                case "hf" -> {
                    if (type != null) {
                        throw new IllegalArgumentException("--type applies to --to gguf; Hugging Face output keeps the "
                                + "stored types (GGUF Q8_0/Q4_0 become F32)");
                    }
                    checkEmptyFolder(out);
                    HfModelFiles hf = toHf(source, err);
                    // Published whole: an interrupted conversion leaves no half-written model folder.
                    if (!AtomicFolder.createIfAbsent(out, hf::writeTo)) {
                        throw new IllegalArgumentException("--out " + out + " was filled meanwhile; choose a new folder");
                    }
                }
                case "gguf" -> {
                    GgmlType weightType = weightType(type);
                    if (Files.isDirectory(out)) {
                        throw new IllegalArgumentException("--out " + out + " is a folder; --to gguf writes a file "
                                + "(e.g. --out model.gguf)");
                    }
                    HfModelFiles hf = source instanceof ModelSpec.HfFolder || source instanceof ModelSpec.Hub
                            ? null : toHf(source, err);
                    if (hf == null) {
                        Path dir = CliSupport.loader(err).resolve(source);
                        try (Weights w = Weights.open(dir)) {
                            writeGguf(readJson(dir.resolve("config.json")), tensors(w), dir, weightType);
                        }
                    } else {
                        writeGguf(hf.config(), hf.tensors(), hf.tokenizerJson(), hf.tokenizerConfig(), weightType);
                    }
                }
                default -> throw new IllegalArgumentException("--to must be hf or gguf, got '" + to + "'");
            }
            err.println("lathe: wrote " + out);
            stdout.println(out);
            stdout.flush();
            return 0;
        });
    }

    private HfModelFiles toHf(ModelSpec source, PrintWriter err) throws IOException {
        return switch (source) {
            case ModelSpec.Llama2c l -> {
                Llama2cCheckpoint c = Llama2cCheckpoint.read(l.checkpoint());
                if (l.tokenizer() == null) {
                    err.println("lathe: no --tokenizer: the output has no tokenizer.json (needed to generate text)");
                }
                yield c.toHuggingFace(l.tokenizer() == null ? null : Llama2cTokenizer.read(l.tokenizer(), c.vocabSize()));
            }
            case ModelSpec.Gguf g -> GgufToHf.convert(GgufFile.open(g.file()));
            case ModelSpec.HfFolder f -> throw new IllegalArgumentException(f.dir() + " is already a Hugging Face folder"
                    + " (convert it with --to gguf)");
            case ModelSpec.Hub h -> throw new IllegalArgumentException(h.ref() + " is already a Hugging Face model"
                    + " (convert it with --to gguf)");
        };
    }

    private void writeGguf(JsonNode config, Map<String, Tensor> tensors, Path dir, GgmlType weightType)
            throws IOException {
        Path tokJson = dir.resolve("tokenizer.json");
        Path tokCfg = dir.resolve("tokenizer_config.json");
        writeGguf(config, tensors, Files.isRegularFile(tokJson) ? readJson(tokJson) : null,
                Files.isRegularFile(tokCfg) ? readJson(tokCfg) : null, weightType);
    }

    private void writeGguf(JsonNode config, Map<String, Tensor> tensors, JsonNode tokJson, JsonNode tokCfg,
            GgmlType weightType) throws IOException {
        Map<String, Tensor> t = new TreeMap<>(tensors);
        // A tied model may store only lm_head.weight (HF loads either name); GGUF wants token_embd, and
        // llama.cpp reuses it as the output when output.weight is absent.
        if (config.path("tie_word_embeddings").asBoolean(false) && t.containsKey("lm_head.weight")) {
            Tensor head = t.remove("lm_head.weight");
            t.putIfAbsent("model.embed_tokens.weight", head);
        }
        if (out.toAbsolutePath().getParent() != null) {
            Files.createDirectories(out.toAbsolutePath().getParent());
        }
        HfToGguf.write(out, config, t, tokJson, tokCfg, weightType);
    }

    static GgmlType weightType(String type) {
        if (type == null) {
            return GgmlType.F32;
        }
        return switch (type.toLowerCase(Locale.ROOT)) {
            case "f32" -> GgmlType.F32;
            case "f16" -> GgmlType.F16;
            case "bf16" -> GgmlType.BF16;
            case "q8_0" -> GgmlType.Q8_0;
            case "q4_0" -> GgmlType.Q4_0;
            default -> throw new IllegalArgumentException("--type must be f32, f16, bf16, q8_0 or q4_0, got '" + type + "'");
        };
    }

    private static Map<String, Tensor> tensors(Weights w) {
        Map<String, Tensor> m = new TreeMap<>();
        for (String name : w.names()) {
            m.put(name, w.tensor(name));
        }
        return m;
    }

    private static ObjectNode readJson(Path file) throws IOException {
        JsonNode n = JSON.readTree(file.toFile());
        if (!(n instanceof ObjectNode o)) {
            throw new IllegalArgumentException(file + ": expected a JSON object");
        }
        return o;
    }

    private static void checkEmptyFolder(Path dir) throws IOException {
        if (Files.isRegularFile(dir)) {
            throw new IllegalArgumentException("--out " + dir + " is a file; --to hf writes a folder");
        }
        if (Files.isDirectory(dir)) {
            try (Stream<Path> s = Files.list(dir)) {
                if (s.findAny().isPresent()) {
                    throw new IllegalArgumentException("--out " + dir + " is not empty; choose a new folder");
                }
            }
        }
    }
}
