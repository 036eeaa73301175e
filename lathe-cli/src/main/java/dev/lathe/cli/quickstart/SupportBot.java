package dev.lathe.cli.quickstart;

import dev.lathe.models.chat.ChatMessage;
import dev.lathe.serve.assistant.Decision;
import dev.lathe.serve.assistant.EscalationPolicy;
import dev.lathe.serve.assistant.EscalationReason;
import dev.lathe.serve.assistant.Ticket;
import dev.lathe.serve.registry.ChatPipeline;
import dev.lathe.tune.classify.TextClassifier;
import dev.lathe.tune.data.clean.pii.PiiRedactor;
import dev.lathe.tune.data.clean.pii.PiiRegistry;
import dev.lathe.tune.data.tokenize.PromptFormat;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The {@code support-bot} model: classifies the customer's latest message (after redacting personal data),
 * then either opens a {@link Ticket} for a person (the reply quotes its id) or has the tuned generator
 * answer the redacted message in its training prompt format. The raw message goes nowhere but the
 * redactor: tickets, prompts and logs only ever hold the redacted text. The decision is returned to the
 * client in the response's {@code lathe} object: {@code escalated}, {@code ticket_id}, {@code intent},
 * {@code confidence}, {@code reasons}.
 */
final class SupportBot implements ChatPipeline {
    private final TextClassifier classifier;
    private final EscalationPolicy policy;
    private final PromptFormat format;
    private final String generatorModel;
    private final Consumer<Ticket> tickets;
    private final PiiRedactor redactor = new PiiRedactor(PiiRegistry.withDefaults());

    SupportBot(TextClassifier classifier, EscalationPolicy policy, PromptFormat format, String generatorModel,
            Consumer<Ticket> tickets) {
        this.classifier = classifier;
        this.policy = policy;
        this.format = format;
        this.generatorModel = generatorModel;
        this.tickets = tickets;
    }

    @Override
    public Step route(List<ChatMessage> messages) {
        int last = lastUserTurn(messages);
        String message = text(messages.get(last));
        String redacted = redactor.redact(message).text();
        TextClassifier.Prediction p;
        synchronized (classifier) { // one classifier, many request threads
            p = classifier.predict(redacted);
        }
        Decision decision = policy.decide(message, p.label(), p.confidence(), redactor);
        Map<String, Object> extras = new LinkedHashMap<>();
        extras.put("escalated", decision instanceof Decision.Escalate);
        extras.put("intent", p.label());
        extras.put("confidence", p.confidence());
        if (decision instanceof Decision.Escalate e) {
            List<String> earlier = new ArrayList<>();
            for (int i = 0; i < last; i++) {
                earlier.add(messages.get(i).role() + ": " + redactor.redact(text(messages.get(i))).text());
            }
            Ticket ticket = Ticket.open(e, earlier, Instant.now());
            tickets.accept(ticket);
            extras.put("ticket_id", ticket.id());
            extras.put("reasons", e.reasons().stream().map(r -> r.name().toLowerCase(Locale.ROOT)).toList());
            return new Reply(handOver(ticket), extras);
        }
        extras.put("reasons", List.of());
        return new Generate(generatorModel, GeneratorPrompt.promptText(format, decision.redactedMessage()),
                GeneratorPrompt.stop(format), extras);
    }

    /** What the customer reads when a person takes over. */
    static String handOver(Ticket ticket) {
        String why = ticket.reasons().contains(EscalationReason.PERSONAL_DATA)
                ? " Your message contained personal data, so it was removed before anyone sees it; please do not send"
                        + " card numbers or passwords in chat."
                : "";
        return "I have passed your message to a member of our support team (ticket " + ticket.id()
                + "). A person will reply here as soon as possible." + why;
    }

    private static int lastUserTurn(List<ChatMessage> messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            if ("user".equals(messages.get(i).role())) return i;
        }
        throw dev.lathe.serve.openai.OpenAiException.badParam("messages", "the support-bot answers the latest user"
                + " message, and there is none");
    }

    /** The text of a message: a string, or the text parts of a list. */
    static String text(ChatMessage m) {
        if (m.content() instanceof String s) return s;
        if (m.content() instanceof List<?> parts) {
            StringBuilder sb = new StringBuilder();
            for (Object part : parts) {
                if (part instanceof Map<?, ?> map && map.get("text") instanceof String t) sb.append(t);
            }
            return sb.toString();
        }
        return "";
    }
}
