package dev.lathe.tune.data.tokenize;

import dev.lathe.models.tokenizer.Tokenizer;
import dev.lathe.tune.data.Example;
import dev.lathe.tune.data.TextExample;
import dev.lathe.tune.train.TokenizedExample;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * Records to {@link TokenizedExample}s: each record's {@link Segment}s (from its {@link PromptFormat}) are
 * tokenized one by one without added special tokens and concatenated, so every token is known to belong
 * to a trained segment or not; labels are the ids on trained tokens and -100 elsewhere (or the ids
 * everywhere under {@link TokenizationConfig.LossOn#ALL}). The plain format's sequences start with the
 * tokenizer's BOS (a chat template writes its own). Then {@link TokenizationConfig#maxLength()} is
 * enforced by the truncation policy, or plain text is packed.
 *
 * <p>Tokenizing segments apart can differ from tokenizing the joined text at a segment boundary (a merge
 * across it is not made); that is what makes the loss mask exact, and boundaries fall after "Assistant: "
 * or a template's role header, where such merges do not matter.
 */
public final class ExampleTokenizer {
    private final Tokenizer tokenizer;
    private final PromptFormat format;
    private final TokenizationConfig config;
    private final OptionalInt bos;
    private final OptionalInt eos;

    public ExampleTokenizer(Tokenizer tokenizer, PromptFormat format, TokenizationConfig config) {
        this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
        this.format = Objects.requireNonNull(format, "format");
        this.config = Objects.requireNonNull(config, "config");
        this.bos = tokenizer.bos().map(t -> OptionalInt.of(t.id())).orElse(OptionalInt.empty());
        this.eos = tokenizer.eos().map(t -> OptionalInt.of(t.id())).orElse(OptionalInt.empty());
    }

    public TokenizationConfig config() {
        return config;
    }

    public PromptFormat format() {
        return format;
    }

    /** One record, before any length limit: the ids and which of them are trained. */
    public record Encoded(int[] ids, boolean[] trained) {
        /** Index of the first trained token, or the length when none is. */
        int firstTrained() {
            for (int i = 0; i < trained.length; i++) {
                if (trained[i]) {
                    return i;
                }
            }
            return trained.length;
        }
    }

    /** Tokenizes one record's segments. */
    public Encoded encode(Example example) {
        List<Segment> segments = format.render(example);
        int[] ids = new int[64];
        boolean[] trained = new boolean[64];
        int n = 0;
        if (format instanceof PromptFormat.Plain && bos.isPresent()) {
            ids[n++] = bos.getAsInt();
        }
        for (Segment s : segments) {
            int[] piece;
            if (s.isEndOfSequence()) {
                if (eos.isEmpty()) {
                    continue; // nothing marks an end in this vocabulary
                }
                piece = new int[] {eos.getAsInt()};
            } else {
                piece = s.text().isEmpty() ? new int[0] : tokenizer.encode(s.text(), false);
            }
            if (n + piece.length > ids.length) {
                int cap = Math.max(ids.length * 2, n + piece.length);
                ids = Arrays.copyOf(ids, cap);
                trained = Arrays.copyOf(trained, cap);
            }
            System.arraycopy(piece, 0, ids, n, piece.length);
            Arrays.fill(trained, n, n + piece.length, s.trained());
            n += piece.length;
        }
        return new Encoded(Arrays.copyOf(ids, n), Arrays.copyOf(trained, n));
    }

    /** The token count of a record as it will be trained on, before any length limit. */
    public int length(Example example) {
        return encode(example).ids().length;
    }

    /** Tokenizes a split: packing plain text when configured, else one sequence per record that fits. */
    public TokenizedSplit tokenize(String name, List<Example> records) {
        if (config.packing() && !records.isEmpty() && records.stream().allMatch(e -> e instanceof TextExample)) {
            return pack(name, records);
        }
        List<TokenizedExample> out = new ArrayList<>(records.size());
        int truncated = 0;
        int dropped = 0;
        for (Example e : records) {
            Encoded enc = encode(e);
            boolean cut = enc.ids().length > config.maxLength();
            if (cut) {
                enc = fit(enc, e instanceof TextExample);
            }
            if (enc == null || !predictsSomething(enc)) {
                dropped++; // does not fit, or no scored token after the first (it would give no loss)
                continue;
            }
            truncated += cut ? 1 : 0;
            out.add(toExample(enc));
        }
        return TokenizedSplit.of(name, records.size(), out, truncated, dropped);
    }

    /** The truncation policy on a too-long record: the shortened record, or null to drop it. */
    private Encoded fit(Encoded enc, boolean plainText) {
        int max = config.maxLength();
        if (config.truncation() == TokenizationConfig.Truncation.DROP) {
            return null;
        }
        int[] ids = enc.ids();
        boolean[] trained = enc.trained();
        if (plainText || config.truncation() == TokenizationConfig.Truncation.TRUNCATE_END) {
            return new Encoded(Arrays.copyOf(ids, max), Arrays.copyOf(trained, max));
        }
        int head = format instanceof PromptFormat.Plain && bos.isPresent() && ids.length > 0
                && ids[0] == bos.getAsInt() ? 1 : 0;
        int cut = ids.length - max;
        if (enc.firstTrained() - head < cut) {
            return null; // the completion alone does not fit
        }
        int[] outIds = new int[max];
        boolean[] outTrained = new boolean[max];
        System.arraycopy(ids, 0, outIds, 0, head);
        System.arraycopy(ids, head + cut, outIds, head, max - head);
        System.arraycopy(trained, head + cut, outTrained, head, max - head);
        return new Encoded(outIds, outTrained);
    }

    /** Whether some token after the first takes the loss (the first is never predicted). */
    private boolean predictsSomething(Encoded enc) {
        if (enc.ids().length < 2) {
            return false;
        }
        if (config.lossOn() == TokenizationConfig.LossOn.ALL) {
            return true;
        }
        for (int i = 1; i < enc.trained().length; i++) {
            if (enc.trained()[i]) {
                return true;
            }
        }
        return false;
    }

    private TokenizedExample toExample(Encoded enc) {
        int[] ids = enc.ids();
        int[] labels = ids.clone();
        if (config.lossOn() == TokenizationConfig.LossOn.COMPLETION) {
            for (int i = 0; i < labels.length; i++) {
                if (!enc.trained()[i]) {
                    labels[i] = TokenizedExample.IGNORE;
                }
            }
        }
        return new TokenizedExample(ids, labels);
    }

    /** All records' tokens in one stream, cut into chunks of {@code maxLength}; every token trained. */
    private TokenizedSplit pack(String name, List<Example> records) {
        int total = 0;
        List<int[]> encoded = new ArrayList<>(records.size());
        for (Example e : records) {
            int[] ids = encode(e).ids();
            encoded.add(ids);
            total += ids.length;
        }
        int[] stream = new int[total];
        int at = 0;
        for (int[] ids : encoded) {
            System.arraycopy(ids, 0, stream, at, ids.length);
            at += ids.length;
        }
        List<TokenizedExample> out = new ArrayList<>();
        for (int from = 0; from + 1 < total; from += config.maxLength()) {
            out.add(TokenizedExample.ofText(Arrays.copyOfRange(stream, from, Math.min(total, from + config.maxLength()))));
        }
        return TokenizedSplit.of(name, records.size(), out, 0, 0);
    }
}
