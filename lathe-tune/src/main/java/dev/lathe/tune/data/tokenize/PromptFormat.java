package dev.lathe.tune.data.tokenize;

import dev.lathe.models.chat.ChatMessage;
import dev.lathe.models.chat.ChatTemplate;
import dev.lathe.tune.data.AlpacaExample;
import dev.lathe.tune.data.ChatExample;
import dev.lathe.tune.data.Example;
import dev.lathe.tune.data.PromptCompletionExample;
import dev.lathe.tune.data.TextExample;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How a record is written out for a causal LM, as {@link Segment}s marked trained or not. Two formats:
 * the model's own chat template ({@link Templated}), and, for models without one (stories260K,
 * TinyStories), the {@link Plain} format documented there. Instruction records (Alpaca,
 * prompt/completion) are a one-turn conversation: the prompt is the user's message, the completion the
 * assistant's reply. Plain text (with or without a label) is one trained segment.
 */
public sealed interface PromptFormat {

    /** The record as segments, in order. */
    List<Segment> render(Example example);

    /** The format name for reports ("plain", "chat template"). */
    String title();

    /** The model's own template when it has one ({@code own}), else {@link Plain}. */
    static PromptFormat forModel(ChatTemplate template, boolean own) {
        return own ? new Templated(template) : new Plain();
    }

    /**
     * The plain format, for models without a chat template. An instruction record becomes
     * <pre>
     * User: {prompt}\n
     * Assistant: {completion}&lt;EOS&gt;
     * </pre>
     * where the prompt is the instruction, followed by a blank line and the input when an Alpaca record
     * has one; only {@code {completion}<EOS>} is trained. A conversation writes each turn as
     * {@code Role: content\n} (the role capitalised: System, User, Assistant, Tool ...), and each
     * assistant turn as {@code Assistant: } (not trained) then its content and EOS (trained). Plain text
     * is the text then EOS, all trained. The tokenizer adds BOS in front.
     */
    record Plain() implements PromptFormat {
        @Override
        public List<Segment> render(Example example) {
            return switch (example) {
                case AlpacaExample a -> reply(a.input().isBlank() ? a.instruction() : a.instruction() + "\n\n" + a.input(),
                        a.output());
                case PromptCompletionExample p -> reply(p.prompt(), p.completion());
                case TextExample t -> List.of(Segment.completion(t.text()), Segment.END_OF_SEQUENCE);
                case ChatExample c -> {
                    List<Segment> out = new ArrayList<>();
                    StringBuilder pending = new StringBuilder();
                    for (ChatExample.Message m : c.messages()) {
                        if (m.role().equals("assistant")) {
                            out.add(Segment.prompt(pending + "Assistant: "));
                            pending.setLength(0);
                            out.add(Segment.completion(m.content()));
                            out.add(Segment.END_OF_SEQUENCE);
                            pending.append('\n');
                        } else {
                            pending.append(capitalised(m.role())).append(": ").append(m.content()).append('\n');
                        }
                    }
                    if (!pending.isEmpty() && !pending.toString().equals("\n")) {
                        out.add(Segment.prompt(pending.toString()));
                    }
                    yield out;
                }
            };
        }

        private static List<Segment> reply(String prompt, String completion) {
            return List.of(Segment.prompt("User: " + prompt + "\nAssistant: "), Segment.completion(completion),
                    Segment.END_OF_SEQUENCE);
        }

        private static String capitalised(String role) {
            return role.isEmpty() ? role : role.substring(0, 1).toUpperCase(Locale.ROOT) + role.substring(1);
        }

        @Override
        public String title() {
            return "plain (User: ... / Assistant: ...)";
        }
    }

    /**
     * The model's chat template. For each assistant turn i, the conversation up to it is rendered with
     * the generation prompt (the prompt text) and again with turn i included (the text through the
     * reply); what the second adds to the first is the trained segment, so whatever the template writes
     * after a reply (an end-of-turn token) is learned too. The template writes its own special tokens
     * (BOS included, as Hugging Face's {@code apply_chat_template} does). Templates whose renders of a
     * growing conversation are not prefixes of each other are refused: the trained tokens could not be
     * told apart.
     */
    record Templated(ChatTemplate template) implements PromptFormat {
        @Override
        public List<Segment> render(Example example) {
            List<ChatMessage> messages = switch (example) {
                case AlpacaExample a -> List.of(ChatMessage.user(a.input().isBlank() ? a.instruction()
                        : a.instruction() + "\n\n" + a.input()), ChatMessage.assistant(a.output()));
                case PromptCompletionExample p -> List.of(ChatMessage.user(p.prompt()), ChatMessage.assistant(p.completion()));
                case ChatExample c -> c.messages().stream().map(m -> new ChatMessage(m.role(), m.content())).toList();
                case TextExample t -> null;
            };
            if (messages == null) {
                return List.of(Segment.completion(((TextExample) example).text()), Segment.END_OF_SEQUENCE);
            }
            List<Segment> out = new ArrayList<>();
            String done = "";
            for (int i = 0; i < messages.size(); i++) {
                if (!messages.get(i).role().equals("assistant")) {
                    continue;
                }
                String prompt = template.render(messages.subList(0, i), true);
                String through = template.render(messages.subList(0, i + 1), false);
                requirePrefix(done, prompt, example);
                requirePrefix(prompt, through, example);
                out.add(Segment.prompt(prompt.substring(done.length())));
                out.add(Segment.completion(through.substring(prompt.length())));
                done = through;
            }
            String all = template.render(messages, false);
            requirePrefix(done, all, example);
            if (all.length() > done.length()) {
                out.add(Segment.prompt(all.substring(done.length())));
            }
            return out;
        }

        private static void requirePrefix(String prefix, String text, Example example) {
            if (!text.startsWith(prefix)) {
                throw new IllegalArgumentException(example.origin() + ": the model's chat template does not render"
                        + " a growing conversation as a growing text, so the assistant's tokens cannot be told"
                        + " apart; use the plain format (tokenization.format: plain)");
            }
        }

        @Override
        public String title() {
            return "the model's chat template";
        }
    }
}
