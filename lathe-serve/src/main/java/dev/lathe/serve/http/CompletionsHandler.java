package dev.lathe.serve.http;

import dev.lathe.models.generate.Generation;
import dev.lathe.models.load.LoadedModel;
import dev.lathe.serve.openai.Completion;
import dev.lathe.serve.openai.CompletionRequest;
import dev.lathe.serve.openai.OpenAiException;
import dev.lathe.serve.openai.OpenAiJson;
import dev.lathe.serve.openai.Prompt;
import dev.lathe.serve.openai.Usage;
import dev.lathe.serve.registry.ModelRegistry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /v1/completions} (legacy): each prompt gets {@code n} choices, indexed prompt-major as OpenAI
 * does; answers one {@code text_completion} or a stream of them ending in {@code [DONE]}.
 */
final class CompletionsHandler {
    /** OpenAI's default max_tokens for legacy completions. */
    static final int DEFAULT_MAX_TOKENS = 16;

    private CompletionsHandler() {}

    static void handle(Call call) throws IOException {
        CompletionRequest req = CompletionRequest.parse(call.json());
        call.model = req.model();
        call.user = req.user();
        if (req.echo() && req.logprobs() != null) {
            throw OpenAiException.unsupported("echo", "echo together with logprobs (prompt logprobs are not computed)");
        }
        try (ModelRegistry.Lease lease = Models.lease(call.server, req.model())) {
            LoadedModel model = lease.model().model();
            List<int[]> prompts = new ArrayList<>();
            List<String> promptTexts = new ArrayList<>();
            for (Prompt p : req.prompts()) {
                switch (p) {
                    case Prompt.Text t -> {
                        prompts.add(model.encode(t.text()));
                        promptTexts.add(t.text());
                    }
                    case Prompt.Tokens t -> {
                        prompts.add(t.ids());
                        promptTexts.add(null); // decoded only for echo, after validation
                    }
                }
            }
            List<Submission.Job> jobs = new ArrayList<>();
            int promptTokens = 0;
            int reserve = 0;
            for (int[] ids : prompts) {
                promptTokens += ids.length;
                for (int i = 0; i < req.n(); i++) {
                    var params = Sampling.params(model, req.sampling(), DEFAULT_MAX_TOKENS, false, i);
                    jobs.add(new Submission.Job(ids, params));
                    reserve += ids.length + params.maxTokens();
                }
            }
            if (call.server.logPrompts()) call.prompt = String.join("\n", promptTexts.stream()
                    .map(s -> s == null ? "<tokens>" : s).toList());
            Submission submission = new Submission(lease.model().scheduler(), jobs, req.stream(), "prompt");
            for (int i = 0; i < promptTexts.size(); i++) {
                if (promptTexts.get(i) == null) promptTexts.set(i, model.tokenizer().decode(prompts.get(i), true));
            }
            call.admit(reserve);
            submission.submit(lease.model().scheduler(), "prompt");
            String id = Ids.next("cmpl-");
            long created = Ids.nowSeconds();
            LogprobsMapper logprobs = new LogprobsMapper(model.tokenizer());
            call.promptTokens = promptTokens;
            if (req.stream()) {
                stream(call, req, submission, id, created, promptTexts, logprobs);
                return;
            }
            List<Generation> gens = submission.awaitAll();
            List<Completion.Choice> choices = new ArrayList<>();
            int completion = 0;
            for (int i = 0; i < gens.size(); i++) {
                Generation g = gens.get(i);
                completion += g.completionTokens();
                String prefix = req.echo() ? promptTexts.get(i / req.n()) : "";
                choices.add(new Completion.Choice(prefix + g.text(), i, req.logprobs() == null ? null
                        : logprobs.legacy(g.logprobs(), prefix.length()), ChatHandler.finishReason(g.finishReason())));
            }
            call.usage(promptTokens, completion);
            call.json(200, Completion.of(id, created, req.model(), call.server.systemFingerprint(), choices,
                    Usage.of(promptTokens, completion)));
        } finally {
            call.settle(call.promptTokens + call.completionTokens);
        }
    }

    private static void stream(Call call, CompletionRequest req, Submission submission, String id, long created,
            List<String> promptTexts, LogprobsMapper logprobs) throws IOException {
        String fp = call.server.systemFingerprint();
        SseWriter sse = new SseWriter(call.ctx);
        if (req.echo()) {
            for (int i = 0; i < submission.size(); i++) {
                chunk(sse, id, created, req, fp, new Completion.Choice(promptTexts.get(i / req.n()), i, null, null));
            }
        }
        int[] completion = {0};
        List<Generation> gens = StreamLoop.run(call, submission, sse, new StreamLoop.Sink() {
            @Override
            public void token(Event.Token t) throws IOException {
                call.completionTokens++;
                boolean withLogprobs = req.logprobs() != null && t.logprobs() != null;
                if (t.delta().isEmpty() && !withLogprobs) return;
                chunk(sse, id, created, req, fp, new Completion.Choice(t.delta(), t.choice(),
                        withLogprobs ? logprobs.legacy(List.of(t.logprobs()), 0) : null, null));
            }

            @Override
            public void finished(int choice, Generation g) throws IOException {
                completion[0] += g.completionTokens();
                chunk(sse, id, created, req, fp, new Completion.Choice("", choice, null,
                        ChatHandler.finishReason(g.finishReason())));
            }
        });
        if (gens == null) return;
        call.completionTokens = completion[0];
        if (req.includeUsage()) {
            sse.data(OpenAiJson.write(Completion.of(id, created, req.model(), fp, List.of(),
                    Usage.of(call.promptTokens, completion[0]))));
        }
        sse.data("[DONE]");
    }

    private static void chunk(SseWriter sse, String id, long created, CompletionRequest req, String fp,
            Completion.Choice choice) throws IOException {
        sse.data(OpenAiJson.write(Completion.of(id, created, req.model(), fp, List.of(choice), null)));
    }
}
