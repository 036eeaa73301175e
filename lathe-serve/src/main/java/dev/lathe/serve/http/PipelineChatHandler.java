package dev.lathe.serve.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lathe.models.generate.Generation;
import dev.lathe.models.load.LoadedModel;
import dev.lathe.serve.openai.ChatCompletion;
import dev.lathe.serve.openai.ChatCompletionRequest;
import dev.lathe.serve.openai.OpenAiException;
import dev.lathe.serve.openai.OpenAiJson;
import dev.lathe.serve.openai.SamplingFields;
import dev.lathe.serve.openai.Usage;
import dev.lathe.serve.registry.ChatPipeline;
import dev.lathe.serve.registry.ModelRegistry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /v1/chat/completions} for a {@link ChatPipeline} name: the pipeline routes the conversation,
 * then either its own reply or the reply a served model generates from the pipeline's prompt goes back as
 * an ordinary {@code chat.completion} (finish_reason {@code stop} or {@code length}) with one extra
 * top-level object, {@code lathe}, holding the pipeline's {@link ChatPipeline.Step#extras()}. A streamed
 * request gets the whole reply as one content chunk (the pipeline decides before any text exists), the
 * {@code lathe} object on the finishing chunk. One choice per request.
 */
final class PipelineChatHandler {
    /** Tokens a pipeline's generation may use when the client sets no max_tokens. */
    static final int DEFAULT_MAX_TOKENS = 128;

    private PipelineChatHandler() {}

    static void handle(Call call, ChatCompletionRequest req, ChatPipeline pipeline) throws IOException {
        if (req.n() != 1) {
            throw OpenAiException.badParam("n", "model '" + req.model() + "' is a pipeline and answers one choice;"
                    + " send n = 1 (got " + req.n() + ")");
        }
        if (req.tools() != null || req.responseFormat() != null) {
            throw OpenAiException.badParam(req.tools() != null ? "tools" : "response_format", "model '" + req.model()
                    + "' is a pipeline that decides its own replies; it takes neither tools nor response_format");
        }
        ChatPipeline.Step step = pipeline.route(req.messages());
        String content;
        String finish = "stop";
        int promptTokens = 0;
        int completionTokens = 0;
        switch (step) {
            case ChatPipeline.Reply r -> {
                call.admit(0);
                content = r.content();
            }
            case ChatPipeline.Generate g -> {
                try (ModelRegistry.Lease lease = Models.lease(call.server, g.model())) {
                    LoadedModel model = lease.model().model();
                    int[] prompt = model.encode(g.prompt());
                    SamplingFields f = req.sampling();
                    List<String> stop = new ArrayList<>(f.stop());
                    stop.addAll(g.stop());
                    SamplingFields fields = new SamplingFields(f.maxTokens(), f.temperature(), f.topP(), f.seed(),
                            f.presencePenalty(), f.frequencyPenalty(), f.logitBias(), stop, false, 0);
                    List<Submission.Job> jobs = List.of(new Submission.Job(prompt,
                            Sampling.params(model, fields, DEFAULT_MAX_TOKENS, false, 0), null));
                    Submission submission = new Submission(lease.model().scheduler(), jobs, false, "messages");
                    call.admit(prompt.length + jobs.get(0).params().maxTokens());
                    submission.submit(lease.model().scheduler(), "messages");
                    Generation gen = submission.awaitAll().getFirst();
                    content = gen.text().strip();
                    finish = ChatHandler.finishReason(gen.finishReason());
                    promptTokens = prompt.length;
                    completionTokens = gen.completionTokens();
                }
            }
        }
        call.usage(promptTokens, completionTokens);
        call.settle(promptTokens + completionTokens);
        String id = Ids.next("chatcmpl-");
        long created = Ids.nowSeconds();
        String fp = call.server.systemFingerprint();
        if (req.stream()) {
            SseWriter sse = new SseWriter(call.ctx);
            sse.data(OpenAiJson.write(ChatCompletion.Chunk.of(id, created, req.model(), fp, List.of(
                    new ChatCompletion.ChunkChoice(0, new ChatCompletion.Delta("assistant", ""), null, null)), null)));
            sse.data(OpenAiJson.write(ChatCompletion.Chunk.of(id, created, req.model(), fp, List.of(
                    new ChatCompletion.ChunkChoice(0, new ChatCompletion.Delta(null, content), null, null)), null)));
            sse.data(withExtras(ChatCompletion.Chunk.of(id, created, req.model(), fp, List.of(
                    new ChatCompletion.ChunkChoice(0, new ChatCompletion.Delta(null, null), null, finish)), null),
                    step.extras()));
            if (req.includeUsage()) {
                sse.data(OpenAiJson.write(ChatCompletion.Chunk.of(id, created, req.model(), fp, List.of(),
                        Usage.of(promptTokens, completionTokens))));
            }
            sse.data("[DONE]");
        } else {
            ChatCompletion body = ChatCompletion.of(id, created, req.model(), fp, List.of(new ChatCompletion.Choice(0,
                    ChatCompletion.Message.assistant(content), null, finish)), Usage.of(promptTokens, completionTokens));
            call.ctx.status(200);
            call.ctx.contentType("application/json");
            call.ctx.result(withExtras(body, step.extras()));
        }
    }

    /** {@code value} as JSON with the top-level {@code lathe} object added. */
    private static String withExtras(Object value, Map<String, Object> extras) {
        ObjectNode node = OpenAiJson.MAPPER.valueToTree(value);
        node.set("lathe", OpenAiJson.MAPPER.valueToTree(extras));
        return OpenAiJson.write(node);
    }
}
