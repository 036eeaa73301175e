package dev.lathe.serve.openai;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /v1/completions} (legacy completions) as parsed from its JSON body.
 *
 * @param prompts one entry per prompt ({@code prompt} as a string, array of strings, token array or array of
 *     token arrays); each gets {@code n} choices
 * @param logprobs the legacy {@code logprobs} integer: report this many alternatives per token (0 to 5), null = off
 */
public record CompletionRequest(String model, List<Prompt> prompts, int n, SamplingFields sampling, Integer logprobs,
        boolean echo, boolean stream, boolean includeUsage, String user) {
    /** OpenAI's limit on the legacy {@code logprobs} parameter. */
    public static final int MAX_LOGPROBS = 5;

    public CompletionRequest {
        prompts = List.copyOf(prompts);
    }

    /** Parses and validates a request body; every problem is a 400 naming its param. */
    public static CompletionRequest parse(JsonNode body) {
        JsonFields f = new JsonFields(body, "");
        String model = f.requiredString("model");
        List<Prompt> prompts = prompts(f);
        Integer n = f.integerAtLeast("n", 1);
        Integer bestOf = f.integerAtLeast("best_of", 1);
        if (bestOf != null && bestOf != (n == null ? 1 : n)) {
            throw OpenAiException.unsupported("best_of", "only best_of equal to n (no server-side ranking)");
        }
        Integer logprobs = f.integer("logprobs");
        if (logprobs != null && (logprobs < 0 || logprobs > MAX_LOGPROBS)) {
            throw OpenAiException.badParam("logprobs", logprobs + " is not valid for 'logprobs': it must be between 0"
                    + " and " + MAX_LOGPROBS + ".");
        }
        Integer maxTokens = f.integerAtLeast("max_tokens", 0);
        SamplingFields sampling = SamplingFields.read(f, maxTokens, logprobs != null, logprobs == null ? 0 : logprobs);
        boolean echo = Boolean.TRUE.equals(f.bool("echo"));
        boolean stream = Boolean.TRUE.equals(f.bool("stream"));
        boolean includeUsage = StreamOptions.includeUsage(f, stream);
        String user = f.string("user");
        Map<String, String> unsupported = new LinkedHashMap<>();
        unsupported.put("suffix", "none of the served models supports infilling");
        f.rejectUnsupported(unsupported);
        f.rejectUnread();
        return new CompletionRequest(model, prompts, n == null ? 1 : n, sampling, logprobs, echo, stream, includeUsage,
                user);
    }

    private static List<Prompt> prompts(JsonFields f) {
        JsonNode p = f.raw("prompt");
        List<Prompt> out = new ArrayList<>();
        if (p == null) {
            // OpenAI's default prompt is <|endoftext|>: the model starts from its BOS.
            out.add(new Prompt.Text(""));
        } else if (p.isTextual()) {
            out.add(new Prompt.Text(p.textValue()));
        } else if (p.isArray() && !p.isEmpty() && p.get(0).isIntegralNumber()) {
            out.add(new Prompt.Tokens(tokens(p, "prompt")));
        } else if (p.isArray() && !p.isEmpty()) {
            int i = 0;
            for (JsonNode e : p) {
                if (e.isTextual()) {
                    out.add(new Prompt.Text(e.textValue()));
                } else if (e.isArray()) {
                    out.add(new Prompt.Tokens(tokens(e, "prompt[" + i + "]")));
                } else {
                    throw OpenAiException.badParam("prompt", "'prompt[" + i + "]' must be a string or an array of"
                            + " token ids, got " + e);
                }
                i++;
            }
        } else {
            throw OpenAiException.badParam("prompt", "'prompt' must be a string, an array of strings, an array of"
                    + " token ids or an array of token arrays (non-empty), got " + p);
        }
        return out;
    }

    private static int[] tokens(JsonNode array, String where) {
        int[] ids = new int[array.size()];
        if (ids.length == 0) throw OpenAiException.badParam("prompt", "'" + where + "' must not be empty");
        for (int i = 0; i < ids.length; i++) {
            JsonNode t = array.get(i);
            if (!t.isIntegralNumber() || !t.canConvertToInt() || t.intValue() < 0) {
                throw OpenAiException.badParam("prompt", "'" + where + "[" + i + "]' must be a token id >= 0, got " + t);
            }
            ids[i] = t.intValue();
        }
        return ids;
    }
}
