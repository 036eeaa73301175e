package dev.lathe.models.chat;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.el.JinjavaInterpreterResolver;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.filter.Filter;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import dev.lathe.models.tokenizer.TokenizerConfig;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jinjava.javax.el.CompositeELResolver;

/**
 * A Hugging Face chat template ({@code chat_template} in tokenizer_config.json): Jinja that turns a
 * conversation into the prompt text the model was trained on, rendered with Jinjava configured as
 * transformers configures Jinja2 ({@code trim_blocks}, {@code lstrip_blocks}) and given what
 * {@code apply_chat_template} gives: {@code messages}, {@code add_generation_prompt},
 * {@code bos_token}/{@code eos_token}/{@code pad_token}/{@code unk_token}, {@code tools} (when
 * given), {@code raise_exception(msg)}, {@code strftime_now(fmt)}, a Python-exact {@code tojson}, and
 * Python's string methods ({@link PyStringMethods}).
 *
 * <p>Models without a template get {@link #CHATML}: {@code <|im_start|>role\ncontent<|im_end|>\n}
 * per message and {@code <|im_start|>assistant\n} as the generation prompt.
 *
 * <p>Where Jinjava still differs from Python's Jinja2 (none of it seen in HF chat templates): a
 * boolean prints as {@code true}, not {@code True}; a dict or list printed whole is not in Python's
 * repr; {@code {% raw %}} blocks are not protected from the source rewrites of {@link JinjaCompat}.
 *
 * <p>Immutable and thread-safe. The rendered text already holds the special tokens the template
 * writes (often BOS), so tokenize it with {@code addSpecialTokens = false}.
 */
public final class ChatTemplate {
    /** The default for models that ship no template (ChatML, as transformers' old default). */
    public static final String CHATML = "{% for message in messages %}"
            + "{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}"
            + "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

    private static final String RAISED = "lathe-chat-template-raise: ";

    private final String source;
    private final Map<String, Object> specialTokens;
    /** Most characters a render may output (or hold in one string): 1 MiB, far above any real prompt. */
    static final long MAX_OUTPUT_CHARS = 1L << 20;
    /** Deepest nesting of recursive rendering and macro calls. */
    static final int MAX_RENDER_DEPTH = 20;
    /** Largest list or dict a template may build. */
    static final int MAX_COLLECTION_SIZE = 100_000;

    private final Jinjava jinjava;

    private final String prepared; // source as Jinjava must read it (JinjaCompat)

    private ChatTemplate(String source, Map<String, Object> specialTokens) {
        this.source = source;
        this.prepared = JinjaCompat.apply(source);
        this.specialTokens = specialTokens;
        this.jinjava = newJinjava();
    }

    /** A template from its Jinja source, with the special-token variables it may read. */
    public static ChatTemplate of(String source, String bosToken, String eosToken) {
        Map<String, Object> tokens = new LinkedHashMap<>();
        if (bosToken != null) tokens.put("bos_token", bosToken);
        if (eosToken != null) tokens.put("eos_token", eosToken);
        return new ChatTemplate(source, tokens);
    }

    /**
     * The template of a tokenizer config: its "default" (or only) template, or {@link #CHATML} when it
     * has none; the config's special tokens become template variables.
     */
    public static ChatTemplate fromConfig(TokenizerConfig config) {
        return fromConfig(config, null);
    }

    /**
     * Like {@link #fromConfig(TokenizerConfig)}, but picks the named template of the list form (HF
     * uses "tool_use" when tools are given); falls back to the default when that name is absent.
     */
    public static ChatTemplate fromConfig(TokenizerConfig config, String name) {
        String source = name != null && config.chatTemplates().containsKey(name)
                ? config.chatTemplates().get(name)
                : config.defaultChatTemplate().orElse(config.chatTemplates().isEmpty() ? CHATML : null);
        if (source == null) {
            throw new IllegalArgumentException("tokenizer_config.json: 'chat_template' lists "
                    + config.chatTemplates().keySet()
                    + " but none is named 'default'; pick one by name");
        }
        Map<String, Object> tokens = new LinkedHashMap<>();
        putIfPresent(tokens, "bos_token", config.bosToken());
        putIfPresent(tokens, "eos_token", config.eosToken());
        putIfPresent(tokens, "pad_token", config.padToken());
        putIfPresent(tokens, "unk_token", config.unkToken());
        return new ChatTemplate(source, tokens);
    }

    private static void putIfPresent(Map<String, Object> map, String key, String value) {
        if (value != null) map.put(key, value);
    }

    /** The Jinja source. */
    public String source() {
        return source;
    }

    /** Renders {@code messages}; with {@code addGenerationPrompt} the text ends where the assistant's reply begins. */
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        return render(messages, addGenerationPrompt, null, Map.of());
    }

    /**
     * Renders with {@code tools} (JSON-like maps/lists, OpenAI function schema; null for none) and extra
     * template variables (e.g. {@code date_string}, {@code enable_thinking}); extra variables override
     * the defaults.
     *
     * @throws ChatTemplateException when the template raises or fails
     */
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt, List<?> tools,
            Map<String, ?> variables) {
        Map<String, Object> bindings = new LinkedHashMap<>(specialTokens);
        // Functions are not variables in Jinjava; these make "strftime_now is defined" true, as in HF.
        bindings.put("strftime_now", true);
        bindings.put("raise_exception", true);
        List<Map<String, Object>> msgs = new ArrayList<>(messages.size());
        for (ChatMessage m : messages) msgs.add(m.toTemplateValue());
        bindings.put("messages", msgs);
        bindings.put("add_generation_prompt", addGenerationPrompt);
        if (tools != null) bindings.put("tools", tools);
        bindings.putAll(variables);
        RenderResult result = jinjava.renderForResult(prepared, bindings);
        for (TemplateError error : result.getErrors()) {
            String raised = raisedMessage(error);
            if (raised != null) throw new ChatTemplateException(raised, true, error.getException());
        }
        for (TemplateError error : result.getErrors()) {
            if (error.getSeverity() == TemplateError.ErrorType.FATAL && overLimit(error)) {
                throw new ChatTemplateException("chat template exceeded a render limit (output or strings up to "
                        + MAX_OUTPUT_CHARS + " characters, lists and dicts up to " + MAX_COLLECTION_SIZE
                        + " items, nesting up to " + MAX_RENDER_DEPTH + "): " + error.getMessage(), false,
                        error.getException());
            }
            if (error.getSeverity() == TemplateError.ErrorType.FATAL) {
                throw new ChatTemplateException("chat template failed at line " + error.getLineno() + ": "
                        + error.getMessage(), false, error.getException());
            }
        }
        return result.getOutput();
    }

    /** Whether Jinjava stopped the render at one of the limits set in {@link #newJinjava()}. */
    private static boolean overLimit(TemplateError error) {
        for (Throwable t = error.getException(); t != null; t = t.getCause()) {
            if (t.getClass().getSimpleName().endsWith("TooBigException")) return true;
        }
        String m = error.getMessage();
        return m != null && m.contains("TooBigException");
    }

    private static String raisedMessage(TemplateError error) {
        for (Throwable t = error.getException(); t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m != null && m.contains(RAISED)) return m.substring(m.indexOf(RAISED) + RAISED.length());
        }
        String m = error.getMessage();
        return m != null && m.contains(RAISED) ? m.substring(m.indexOf(RAISED) + RAISED.length()) : null;
    }

    private static Jinjava newJinjava() {
        CompositeELResolver resolver = new CompositeELResolver();
        resolver.add(new PyStringMethods());
        resolver.add(JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_WRITE);
        JinjavaConfig config = JinjavaConfig.newBuilder()
                .withTrimBlocks(false) // JinjaCompat applies trim_blocks and lstrip_blocks
                .withLstripBlocks(false)
                .withElResolver(resolver)
                // Hub templates are untrusted: bound what one render may produce or build.
                .withMaxOutputSize(MAX_OUTPUT_CHARS)
                .withMaxStringLength(MAX_OUTPUT_CHARS)
                .withMaxRenderDepth(MAX_RENDER_DEPTH)
                .withMaxMacroRecursionDepth(MAX_RENDER_DEPTH)
                .withMaxListSize(MAX_COLLECTION_SIZE)
                .withMaxMapSize(MAX_COLLECTION_SIZE)
                .build();
        Jinjava jinjava = new Jinjava(config);
        jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition(
                "", "raise_exception", ChatTemplate.class, "raiseException", Object.class));
        jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition(
                "", "strftime_now", ChatTemplate.class, "strftimeNow", String.class));
        jinjava.getGlobalContext().registerFilter(new ToJson());
        return jinjava;
    }

    /** {@code raise_exception(msg)}: stops rendering with the template's message. */
    public static Object raiseException(Object message) {
        throw new IllegalStateException(RAISED + message);
    }

    /** {@code strftime_now(fmt)}: the local time in Python strftime format (the codes templates use). */
    public static String strftimeNow(String format) {
        return Strftime.format(LocalDateTime.now(), format);
    }

    /** {@code tojson}, exactly as Python's json.dumps prints (see {@link PyJson}). */
    private static final class ToJson implements Filter {
        @Override
        public String getName() {
            return "tojson";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            return PyJson.dumps(var, args.length > 0 ? Integer.valueOf(args[0]) : null);
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
            Object indent = kwargs.containsKey("indent") ? kwargs.get("indent") : args.length > 0 ? args[0] : null;
            return PyJson.dumps(var, indent == null ? null : ((Number) toNumber(indent)).intValue());
        }

        private static Object toNumber(Object o) {
            return o instanceof Number ? o : Long.valueOf(o.toString());
        }
    }
}
