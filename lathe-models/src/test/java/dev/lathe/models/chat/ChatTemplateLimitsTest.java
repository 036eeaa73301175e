package dev.lathe.models.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Untrusted hub templates cannot make a render produce unbounded output. */
class ChatTemplateLimitsTest {

    private static final List<ChatMessage> HELLO = List.of(ChatMessage.user("hello"));

    @Test
    void aTemplateThatLoopsToProduceHugeOutputFailsWithAClearError() {
        // 1000 * 1000 * 10 chars = 10 MB, ten times the limit
        ChatTemplate t = ChatTemplate.of("{% for i in range(1000) %}{% for j in range(1000) %}0123456789"
                + "{% endfor %}{% endfor %}", "<s>", "</s>");
        assertThatThrownBy(() -> t.render(HELLO, false))
                .isInstanceOfSatisfying(ChatTemplateException.class, e -> assertThat(e.raisedByTemplate()).isFalse())
                .hasMessageContaining("render limit").hasMessageContaining("1048576");
    }

    @Test
    void aTemplateThatDoublesAStringFailsWithAClearError() {
        ChatTemplate t = ChatTemplate.of("{% set ns = namespace(s='0123456789') %}{% for i in range(40) %}"
                + "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s | length }}", "<s>", "</s>");
        assertThatThrownBy(() -> t.render(HELLO, false))
                .isInstanceOf(ChatTemplateException.class).hasMessageContaining("render limit");
    }

    @Test
    void anOrdinaryTemplateStillRenders() {
        ChatTemplate t = ChatTemplate.of("{{ bos_token }}{% for m in messages %}{{ m.role }}: {{ m.content }}"
                + "{% endfor %}", "<s>", "</s>");
        assertThat(t.render(HELLO, false)).isEqualTo("<s>user: hello");
    }
}
