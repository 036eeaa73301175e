package dev.lathe.serve.http;

import dev.lathe.models.chat.ChatTemplateException;
import dev.lathe.models.generate.FinishReason;
import dev.lathe.models.generate.Generation;
import dev.lathe.models.load.LoadedModel;
import dev.lathe.serve.openai.ChatCompletion;
import dev.lathe.serve.openai.ChatCompletionRequest;
import dev.lathe.serve.openai.OpenAiException;
import dev.lathe.serve.openai.OpenAiJson;
import dev.lathe.serve.openai.Usage;
import dev.lathe.serve.registry.ModelRegistry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /v1/chat/completions}: renders the messages with the model's chat template, queues {@code n}
 * choices, and answers one {@code chat.completion} or a stream of {@code chat.completion.chunk}s (role
 * first, then content deltas, then each choice's finish_reason, the usage chunk when asked, {@code [DONE]}).
 */
final class ChatHandler {
    private ChatHandler() {}

    static void handle(Call call) throws IOException {
        ChatCompletionRequest req = ChatCompletionRequest.parse(call.json());
        call.model = req.model();
        java.util.Optional<dev.lathe.serve.registry.ChatPipeline> pipeline = call.server.registry().pipeline(req.model());
        if (pipeline.isPresent()) {
            PipelineChatHandler.handle(call, req, pipeline.get());
            return;
        }
        try (ModelRegistry.Lease lease = Models.lease(call.server, req.model())) {
            LoadedModel model = lease.model().model();
            int[] prompt;
            try {
                prompt = model.encodeChat(req.messages());
            } catch (ChatTemplateException | IllegalArgumentException e) {
                throw OpenAiException.badParam("messages", "the model's chat template cannot render these messages: "
                        + e.getMessage());
            }
            if (call.server.logPrompts()) call.prompt = model.renderChat(req.messages());
            List<Submission.Job> jobs = new ArrayList<>();
            for (int i = 0; i < req.n(); i++) {
                jobs.add(new Submission.Job(prompt, Sampling.params(model, req.sampling(), null, true, i)));
            }
            Submission submission = new Submission(lease.model().scheduler(), jobs, req.stream(), "messages");
            int reserve = req.n() * (prompt.length + Math.min(jobs.get(0).params().maxTokens(),
                    model.model().contextLength()));
            call.admit(reserve);
            submission.submit(lease.model().scheduler(), "messages");
            String id = Ids.next("chatcmpl-");
            long created = Ids.nowSeconds();
            LogprobsMapper logprobs = new LogprobsMapper(model.tokenizer());
            if (req.stream()) {
                stream(call, req, submission, id, created, prompt.length, logprobs);
            } else {
                List<Generation> gens = submission.awaitAll();
                List<ChatCompletion.Choice> choices = new ArrayList<>();
                int completion = 0;
                for (int i = 0; i < gens.size(); i++) {
                    Generation g = gens.get(i);
                    completion += g.completionTokens();
                    choices.add(new ChatCompletion.Choice(i, ChatCompletion.Message.assistant(g.text()),
                            req.sampling().logprobs() ? logprobs.chat(g.logprobs()) : null, finishReason(g.finishReason())));
                }
                call.usage(prompt.length, completion);
                call.settle(prompt.length * req.n() + completion);
                call.json(200, ChatCompletion.of(id, created, req.model(), call.server.systemFingerprint(), choices,
                        Usage.of(prompt.length, completion)));
            }
        } finally {
            call.settle(call.promptTokens + call.completionTokens);
        }
    }

    private static void stream(Call call, ChatCompletionRequest req, Submission submission, String id, long created,
            int promptTokens, LogprobsMapper logprobs) throws IOException {
        String fp = call.server.systemFingerprint();
        SseWriter sse = new SseWriter(call.ctx);
        call.promptTokens = promptTokens;
        for (int i = 0; i < req.n(); i++) {
            sse.data(OpenAiJson.write(ChatCompletion.Chunk.of(id, created, req.model(), fp, List.of(
                    new ChatCompletion.ChunkChoice(i, new ChatCompletion.Delta("assistant", ""), null, null)), null)));
        }
        int[] completion = {0};
        List<Generation> gens = StreamLoop.run(call, submission, sse, new StreamLoop.Sink() {
            @Override
            public void token(Event.Token t) throws IOException {
                call.completionTokens++;
                boolean withLogprobs = req.sampling().logprobs() && t.logprobs() != null;
                if (t.delta().isEmpty() && !withLogprobs) return;
                ChatCompletion.Logprobs lp = withLogprobs ? ChatCompletion.Logprobs.of(List.of(logprobs.chat(t.logprobs())))
                        : null;
                sse.data(OpenAiJson.write(ChatCompletion.Chunk.of(id, created, req.model(), fp, List.of(
                        new ChatCompletion.ChunkChoice(t.choice(), new ChatCompletion.Delta(null, t.delta()), lp, null)),
                        null)));
            }

            @Override
            public void finished(int choice, Generation g) throws IOException {
                completion[0] += g.completionTokens();
                sse.data(OpenAiJson.write(ChatCompletion.Chunk.of(id, created, req.model(), fp, List.of(
                        new ChatCompletion.ChunkChoice(choice, new ChatCompletion.Delta(null, null), null,
                                finishReason(g.finishReason()))), null)));
            }
        });
        if (gens == null) return;
        call.completionTokens = completion[0];
        if (req.includeUsage()) {
            sse.data(OpenAiJson.write(ChatCompletion.Chunk.of(id, created, req.model(), fp, List.of(),
                    Usage.of(promptTokens, completion[0]))));
        }
        sse.data("[DONE]");
    }

    /** OpenAI's finish_reason: EOS and stop sequences are both "stop". */
    static String finishReason(FinishReason r) {
        return r == FinishReason.LENGTH ? "length" : "stop";
    }
}
