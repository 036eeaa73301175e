package dev.lathe.serve.registry;

import dev.lathe.models.chat.ChatMessage;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A served name that is a small program over the served models rather than one model: it reads the
 * conversation and either replies itself (for example, a hand-over to a person) or has a served model
 * generate the reply from a prompt it builds. The quickstart's {@code support-bot} is one (classify, then
 * escalate or answer). Whatever it reports about its decision ({@link Step#extras()}) is added to the
 * chat completion as a top-level {@code lathe} object, which OpenAI clients ignore.
 */
public interface ChatPipeline {

    /** What to do with {@code messages} (the request's conversation, oldest first). */
    Step route(List<ChatMessage> messages);

    /** One routing decision. */
    sealed interface Step permits Reply, Generate {
        /** JSON-ready facts about the decision, returned as the response's {@code lathe} object. */
        Map<String, Object> extras();
    }

    /** The pipeline answers with {@code content} itself; no model runs. */
    record Reply(String content, Map<String, Object> extras) implements Step {
        public Reply {
            Objects.requireNonNull(content, "content");
            extras = Map.copyOf(extras);
        }
    }

    /**
     * The served model {@code model} continues {@code prompt} (encoded with the model's tokenizer and its
     * special tokens, like a plain completion prompt); generation stops at {@code stop} strings too.
     */
    record Generate(String model, String prompt, List<String> stop, Map<String, Object> extras) implements Step {
        public Generate {
            ModelNames.require(model, "model");
            Objects.requireNonNull(prompt, "prompt");
            stop = List.copyOf(stop);
            extras = Map.copyOf(extras);
        }
    }
}
