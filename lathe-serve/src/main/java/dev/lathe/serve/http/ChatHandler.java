package dev.lathe.serve.http;

import dev.lathe.models.generate.Generation;
import dev.lathe.models.load.LoadedModel;
import dev.lathe.serve.openai.ChatCompletion;
import dev.lathe.serve.openai.ChatCompletionRequest;
import dev.lathe.serve.openai.OpenAiJson;
import dev.lathe.serve.openai.Usage;
import dev.lathe.serve.registry.ModelRegistry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /v1/chat/completions}: renders the messages with the model's chat template (and tools),
 * queues {@code n} choices (under the response_format or forced-call grammar when there is one), and
 * answers one {@code chat.completion} or a stream of {@code chat.completion.chunk}s: role first, content
 * deltas, then each choice's finish_reason, the usage chunk when asked, {@code [DONE]}. When the reply may
 * be a tool call its text is held back and sent, with the parsed calls, once the choice is finished.
 */
final class ChatHandler {
    private ChatHandler() {}

    static void handle(Call call) throws IOException {
        ChatCompletionRequest req = ChatCompletionRequest.parse(call.json());
        call.model = req.model();
        call.user = req.user();
        java.util.Optional<dev.lathe.serve.registry.ChatPipeline> pipeline = call.server.registry().pipeline(req.model());
        if (pipeline.isPresent()) {
            PipelineChatHandler.handle(call, req, pipeline.get());
            return;
        }
        try (ModelRegistry.Lease lease = Models.lease(call.server, req.model())) {
            LoadedModel model = lease.model().model();
            ChatPlan plan = ChatPlan.of(req, lease.model());
            int[] prompt = plan.prompt;
            if (call.server.logPrompts()) call.prompt = plan.renderedPrompt;
            List<Submission.Job> jobs = new ArrayList<>();
            for (int i = 0; i < req.n(); i++) {
                jobs.add(new Submission.Job(prompt, Sampling.params(model, req.sampling(), null, true, i),
                        plan.constraint()));
            }
            Submission submission = new Submission(lease.model().scheduler(), jobs, req.stream(), "messages");
            int reserve = req.n() * (prompt.length + Math.min(jobs.get(0).params().maxTokens(),
                    model.model().contextLength()));
            call.admit(reserve);
            submission.submit(lease.model().scheduler(), "messages");
            String id = Ids.next("chatcmpl-");
            long created = Ids.nowSeconds();
            LogprobsMapper logprobs = new LogprobsMapper(model.tokenizer());
            call.promptTokens = prompt.length;
            if (req.stream()) {
                stream(call, req, plan, submission, id, created, logprobs);
                return;
            }
            List<Generation> gens = submission.awaitAll();
            List<ChatCompletion.Choice> choices = new ArrayList<>();
            int completion = 0;
            for (int i = 0; i < gens.size(); i++) {
                Generation g = gens.get(i);
                completion += g.completionTokens();
                ChatPlan.Reply reply = plan.reply(g);
                choices.add(new ChatCompletion.Choice(i, reply.message(),
                        req.sampling().logprobs() ? logprobs.chat(g.logprobs()) : null, reply.finishReason()));
            }
            call.usage(prompt.length, completion);
            call.json(200, ChatCompletion.of(id, created, req.model(), call.server.systemFingerprint(), choices,
                    Usage.of(prompt.length, completion)));
        } finally {
            call.settle(call.promptTokens + call.completionTokens);
        }
    }

    private static void stream(Call call, ChatCompletionRequest req, ChatPlan plan, Submission submission, String id,
            long created, LogprobsMapper logprobs) throws IOException {
        String fp = call.server.systemFingerprint();
        SseWriter sse = new SseWriter(call.ctx);
        for (int i = 0; i < req.n(); i++) {
            chunk(sse, id, created, req, fp, new ChatCompletion.ChunkChoice(i, new ChatCompletion.Delta("assistant", ""),
                    null, null), null);
        }
        int[] completion = {0};
        boolean holdBack = plan.holdsBackText();
        List<Generation> gens = StreamLoop.run(call, submission, sse, new StreamLoop.Sink() {
            @Override
            public void token(Event.Token t) throws IOException {
                call.completionTokens++;
                if (holdBack) return;
                boolean withLogprobs = req.sampling().logprobs() && t.logprobs() != null;
                if (t.delta().isEmpty() && !withLogprobs) return;
                ChatCompletion.Logprobs lp = withLogprobs ? ChatCompletion.Logprobs.of(List.of(logprobs.chat(t.logprobs())))
                        : null;
                chunk(sse, id, created, req, fp, new ChatCompletion.ChunkChoice(t.choice(),
                        new ChatCompletion.Delta(null, t.delta()), lp, null), null);
            }

            @Override
            public void finished(int choice, Generation g) throws IOException {
                completion[0] += g.completionTokens();
                ChatPlan.Reply reply = plan.reply(g);
                if (holdBack) {
                    List<ChatCompletion.ToolCallObject> calls = new ArrayList<>();
                    for (int i = 0; i < reply.toolCalls().size(); i++) calls.add(reply.toolCalls().get(i).at(i));
                    chunk(sse, id, created, req, fp, new ChatCompletion.ChunkChoice(choice, new ChatCompletion.Delta(
                            null, reply.content(), calls.isEmpty() ? null : calls), null, null), null);
                }
                chunk(sse, id, created, req, fp, new ChatCompletion.ChunkChoice(choice,
                        new ChatCompletion.Delta(null, null), null, reply.finishReason()), null);
            }
        });
        if (gens == null) return;
        call.completionTokens = completion[0];
        if (req.includeUsage()) {
            chunk(sse, id, created, req, fp, null, Usage.of(call.promptTokens, completion[0]));
        }
        sse.data("[DONE]");
    }

    private static void chunk(SseWriter sse, String id, long created, ChatCompletionRequest req, String fp,
            ChatCompletion.ChunkChoice choice, Usage usage) throws IOException {
        sse.data(OpenAiJson.write(ChatCompletion.Chunk.of(id, created, req.model(), fp,
                choice == null ? List.of() : List.of(choice), usage)));
    }

    /** OpenAI's finish_reason: EOS and stop sequences are both "stop". */
    static String finishReason(dev.lathe.models.generate.FinishReason r) {
        return r == dev.lathe.models.generate.FinishReason.LENGTH ? "length" : "stop";
    }
}
