package dev.lathe.serve.http;

import dev.lathe.models.generate.Logprob;
import dev.lathe.models.generate.TokenLogprobs;
import dev.lathe.models.tokenizer.Tokenizer;
import dev.lathe.serve.openai.ChatCompletion;
import dev.lathe.serve.openai.Completion;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writes the model's token logprobs in OpenAI's two shapes: chat's list of objects and legacy parallel lists. */
final class LogprobsMapper {
    private final Tokenizer tokenizer;

    LogprobsMapper(Tokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /** A token's text as OpenAI shows it: the decoded piece, special tokens included. */
    String text(int id) {
        return tokenizer.decode(new int[] {id}, false);
    }

    ChatCompletion.TokenLogprob chat(TokenLogprobs lp) {
        List<ChatCompletion.TopLogprob> top = new ArrayList<>();
        for (Logprob l : lp.top()) {
            String t = text(l.tokenId());
            top.add(new ChatCompletion.TopLogprob(t, l.logprob(), bytes(t)));
        }
        String t = text(lp.tokenId());
        return new ChatCompletion.TokenLogprob(t, lp.logprob(), bytes(t), top);
    }

    ChatCompletion.Logprobs chat(List<TokenLogprobs> lps) {
        return ChatCompletion.Logprobs.of(lps.stream().map(this::chat).toList());
    }

    /** Legacy logprobs over {@code lps}; offsets start at {@code offset} characters into the returned text. */
    Completion.Logprobs legacy(List<TokenLogprobs> lps, int offset) {
        List<Integer> offsets = new ArrayList<>();
        List<Float> logprobs = new ArrayList<>();
        List<String> tokens = new ArrayList<>();
        List<Map<String, Float>> top = new ArrayList<>();
        int at = offset;
        for (TokenLogprobs lp : lps) {
            String t = text(lp.tokenId());
            offsets.add(at);
            at += t.length();
            tokens.add(t);
            logprobs.add(lp.logprob());
            Map<String, Float> alternatives = new LinkedHashMap<>();
            for (Logprob l : lp.top()) alternatives.putIfAbsent(text(l.tokenId()), l.logprob());
            top.add(alternatives);
        }
        return new Completion.Logprobs(offsets, logprobs, tokens, top);
    }

    private static int[] bytes(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        int[] out = new int[b.length];
        for (int i = 0; i < b.length; i++) out[i] = b[i] & 0xff;
        return out;
    }
}
