package dev.lathe.serve.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.lathe.models.generate.FinishReason;
import dev.lathe.models.generate.Generation;
import dev.lathe.models.generate.SamplingParams;
import dev.lathe.models.load.LoadedModel;
import dev.lathe.serve.openai.JsonFields;
import dev.lathe.serve.openai.OpenAiException;
import dev.lathe.serve.openai.OpenAiJson;
import dev.lathe.serve.registry.ModelRegistry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Hugging Face's APIs: the Inference API's {@code POST /models/{id}} with {@code {"inputs", "parameters"}}
 * answering {@code [{"generated_text"}]} (text generation) or, for an embedding model, one vector per
 * input (feature extraction); and TGI's {@code POST /generate}
 * and {@code /generate_stream} (on the first base model, as TGI serves one) with TGI's details and token
 * events. Parameters use TGI's names ({@code max_new_tokens}, {@code do_sample}, {@code top_k} ...).
 */
final class HfHandler {
    /** TGI's default max_new_tokens. */
    static final int DEFAULT_MAX_NEW_TOKENS = 20;

    private HfHandler() {}

    /** {@code POST /models/{id}}: one or more inputs, each answered with its generated text. */
    static void inference(Call call) {
        JsonFields f = new JsonFields(call.json(), "");
        String id = call.ctx.pathParam("id");
        call.model = id;
        JsonNode inputs = f.raw("inputs");
        List<String> texts = new ArrayList<>();
        if (inputs != null && inputs.isTextual()) {
            texts.add(inputs.textValue());
        } else if (inputs != null && inputs.isArray() && !inputs.isEmpty()) {
            for (JsonNode i : inputs) {
                if (!i.isTextual()) throw OpenAiException.badParam("inputs", "'inputs' must be a string or strings");
                texts.add(i.textValue());
            }
        } else {
            throw OpenAiException.badParam("inputs", "'inputs' must be a string or a non-empty array of strings");
        }
        var embedder = call.server.registry().embedder(id);
        if (embedder.isPresent()) { // feature extraction: one vector per input, as sentence-transformers answers
            JsonNode parameters = f.raw("parameters");
            if (parameters != null && !parameters.isEmpty()) {
                throw OpenAiException.unsupported("parameters", "feature extraction takes no parameters here");
            }
            f.accept("options");
            f.rejectUnread();
            call.admit(0);
            var e = embedder.get().embed(new dev.lathe.serve.embeddings.EmbeddingInput.Texts(texts), null);
            call.usage(e.promptTokens(), 0);
            call.json(200, inputs.isTextual() ? e.vectors().get(0) : e.vectors());
            return;
        }
        Parameters p = Parameters.read(f.raw("parameters"), true);
        f.accept("options"); // use_cache / wait_for_model: the model is always loaded here
        f.rejectUnread();
        try (ModelRegistry.Lease lease = Models.lease(call.server, id)) {
            LoadedModel model = lease.model().model();
            List<Submission.Job> jobs = new ArrayList<>();
            for (String t : texts) jobs.add(new Submission.Job(model.encode(t), p.sampling(model)));
            List<Generation> gens = run(call, lease, jobs);
            List<Map<String, String>> out = new ArrayList<>();
            for (int i = 0; i < gens.size(); i++) {
                out.add(Map.of("generated_text", (p.returnFullText() ? texts.get(i) : "") + gens.get(i).text()));
            }
            call.json(200, out);
        }
    }

    /** TGI {@code POST /generate}. */
    static void generate(Call call) {
        Tgi req = Tgi.read(call);
        try (ModelRegistry.Lease lease = Models.lease(call.server, call.model)) {
            LoadedModel model = lease.model().model();
            Generation g = run(call, lease, List.of(new Submission.Job(model.encode(req.inputs()),
                    req.parameters().sampling(model)))).get(0);
            String text = (req.parameters().returnFullText() ? req.inputs() : "") + g.text();
            call.json(200, new GenerateResponse(text, req.parameters().details() ? details(g, req, model) : null));
        }
    }

    /** TGI {@code POST /generate_stream}: one event per token, the last with the full text and details. */
    static void generateStream(Call call) throws IOException {
        Tgi req = Tgi.read(call);
        try (ModelRegistry.Lease lease = Models.lease(call.server, call.model)) {
            LoadedModel model = lease.model().model();
            int[] prompt = model.encode(req.inputs());
            List<Submission.Job> jobs = List.of(new Submission.Job(prompt, req.parameters().sampling(model)));
            Submission submission = new Submission(lease.model().scheduler(), jobs, true, "inputs");
            call.admit(prompt.length + jobs.get(0).params().maxTokens());
            submission.submit(lease.model().scheduler(), "inputs");
            call.promptTokens = prompt.length;
            SseWriter sse = new SseWriter(call.ctx);
            LogprobsMapper names = new LogprobsMapper(model.tokenizer());
            int[] index = {0};
            StreamLoop.run(call, submission, sse, new StreamLoop.Sink() {
                @Override
                public void token(Event.Token t) throws IOException {
                    call.completionTokens++;
                    sse.data(OpenAiJson.write(new StreamEvent(index[0]++, HfHandler.token(t.tokenId(), t.logprobs() == null
                            ? 0 : t.logprobs().logprob(), names, model), null, null)));
                }

                @Override
                public void finished(int choice, Generation g) throws IOException {
                    String text = (req.parameters().returnFullText() ? req.inputs() : "") + g.text();
                    // TGI puts the whole text and the details on one more event after the last token.
                    sse.data(OpenAiJson.write(new StreamEvent(index[0], null, text, new Details(finish(g),
                            g.completionTokens(), req.parameters().seed(), null))));
                }
            });
        } finally {
            call.settle(call.promptTokens + call.completionTokens);
        }
    }

    private static List<Generation> run(Call call, ModelRegistry.Lease lease, List<Submission.Job> jobs) {
        try {
            Submission submission = new Submission(lease.model().scheduler(), jobs, false, "inputs");
            int reserve = jobs.stream().mapToInt(j -> j.promptIds().length + j.params().maxTokens()).sum();
            call.admit(reserve);
            submission.submit(lease.model().scheduler(), "inputs");
            List<Generation> gens = submission.awaitAll();
            call.usage(jobs.stream().mapToInt(j -> j.promptIds().length).sum(),
                    gens.stream().mapToInt(Generation::completionTokens).sum());
            return gens;
        } finally {
            call.settle(call.promptTokens + call.completionTokens);
        }
    }

    private static Details details(Generation g, Tgi req, LoadedModel model) {
        LogprobsMapper names = new LogprobsMapper(model.tokenizer());
        List<TokenInfo> tokens = new ArrayList<>();
        int[] ids = g.tokenIds();
        for (int i = 0; i < ids.length; i++) {
            float lp = i < g.logprobs().size() ? g.logprobs().get(i).logprob() : 0f;
            tokens.add(token(ids[i], lp, names, model));
        }
        return new Details(finish(g), g.completionTokens(), req.parameters().seed(), tokens);
    }

    private static TokenInfo token(int id, float logprob, LogprobsMapper names, LoadedModel model) {
        return new TokenInfo(id, names.text(id), logprob, model.tokenizer().isSpecial(id));
    }

    private static String finish(Generation g) {
        return g.finishReason() == FinishReason.LENGTH ? "length"
                : g.finishReason() == FinishReason.EOS ? "eos_token" : "stop_sequence";
    }

    /** TGI's response of {@code /generate}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record GenerateResponse(String generatedText, Details details) {}

    /** TGI's details; {@code tokens} only on {@code /generate}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Details(String finishReason, int generatedTokens, Long seed, List<TokenInfo> tokens) {}

    record TokenInfo(int id, String text, float logprob, boolean special) {}

    /** One {@code /generate_stream} event: a token, or (last) the whole text and details. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record StreamEvent(int index, TokenInfo token, String generatedText, Details details) {}

    /** A TGI request: {@code inputs}, {@code parameters}, and {@code stream} (ignored: the route decides). */
    record Tgi(String inputs, Parameters parameters) {
        static Tgi read(Call call) {
            JsonFields f = new JsonFields(call.json(), "");
            String inputs = f.requiredString("inputs");
            Parameters p = Parameters.read(f.raw("parameters"), false);
            f.accept("stream");
            f.rejectUnread();
            List<ModelRegistry.Entry> models = call.server.registry().list();
            call.model = models.stream().filter(e -> e.adapterOf() == null).findFirst().orElseThrow().name();
            return new Tgi(inputs, p);
        }
    }

    /** TGI/HF generation parameters (null = the model's default). */
    record Parameters(Integer maxNewTokens, Boolean doSample, Float temperature, Integer topK, Float topP,
            Float repetitionPenalty, Float frequencyPenalty, Long seed, List<String> stop, boolean details,
            boolean returnFullText) {
        static Parameters read(JsonNode node, boolean fullTextByDefault) {
            if (node == null) {
                return new Parameters(null, null, null, null, null, null, null, null, List.of(), false, fullTextByDefault);
            }
            JsonFields f = new JsonFields(node, "parameters");
            Integer maxNew = f.integerAtLeast("max_new_tokens", 1);
            Boolean doSample = f.bool("do_sample");
            Float temperature = f.number("temperature", 0, 100);
            Integer topK = f.integerAtLeast("top_k", 0);
            Float topP = f.number("top_p", 0, 1);
            Float rep = f.number("repetition_penalty", 0, 100);
            Float freq = f.number("frequency_penalty", -2, 2);
            Long seed = f.longValue("seed");
            List<String> stop = f.stringOrArray("stop", 8);
            boolean details = Boolean.TRUE.equals(f.bool("details"));
            Boolean full = f.bool("return_full_text");
            f.accept("decoder_input_details", "watermark", "truncate", "best_of");
            f.rejectUnsupported(Map.of("grammar", "constrained decoding is not implemented yet",
                    "top_n_tokens", "alternative tokens are not reported on this route yet",
                    "typical_p", "typical sampling is not implemented"));
            f.rejectUnread();
            return new Parameters(maxNew, doSample, temperature, topK, topP, rep, freq, seed, stop, details,
                    full == null ? fullTextByDefault : full);
        }

        SamplingParams sampling(LoadedModel model) {
            SamplingParams.Builder b = model.samplingDefaults();
            b.maxTokens(maxNewTokens == null ? DEFAULT_MAX_NEW_TOKENS : maxNewTokens);
            if (Boolean.FALSE.equals(doSample)) b.temperature(0);
            if (Boolean.TRUE.equals(doSample)) b.temperature(temperature == null ? 1f : temperature).topK(0);
            if (temperature != null && !Boolean.FALSE.equals(doSample)) b.temperature(temperature);
            if (topK != null) b.topK(topK);
            if (topP != null && topP > 0) b.topP(topP);
            if (repetitionPenalty != null) b.repetitionPenalty(repetitionPenalty);
            if (frequencyPenalty != null) b.frequencyPenalty(frequencyPenalty);
            if (seed != null) b.seed(seed);
            b.stop(stop).logprobs(details);
            try {
                return b.build();
            } catch (IllegalArgumentException e) {
                throw OpenAiException.badParam("parameters", e.getMessage());
            }
        }
    }
}
