package dev.lathe.tune.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** A conversation: messages with a role (system, user, assistant, ...) and content. */
public record ChatExample(List<Message> messages, String label, Origin origin) implements Example {
    /** One turn of a conversation. */
    public record Message(String role, String content) {
        public Message {
            Objects.requireNonNull(role, "role");
            Objects.requireNonNull(content, "content");
        }
    }

    public ChatExample {
        messages = List.copyOf(messages);
        Objects.requireNonNull(origin, "origin");
    }

    @Override public Shape shape() { return Shape.CHAT; }

    @Override
    public List<String> texts() {
        return messages.stream().map(Message::content).toList();
    }

    @Override
    public Example withTexts(List<String> t) {
        Example.requireSize(t, messages.size(), shape());
        List<Message> out = new ArrayList<>(messages.size());
        for (int i = 0; i < t.size(); i++) out.add(new Message(messages.get(i).role(), t.get(i)));
        return new ChatExample(out, label, origin);
    }

    /** Empty without messages or with a blank turn (a turn with nothing to learn from or to answer). */
    @Override
    public boolean isEmpty() {
        return messages.isEmpty() || messages.stream().anyMatch(m -> m.content().isBlank());
    }

    @Override
    public String contentKey() {
        StringBuilder sb = new StringBuilder("CHAT\u001e");
        for (Message m : messages) sb.append(m.role()).append('\u001d').append(m.content()).append('\u001f');
        return sb.toString();
    }
}
