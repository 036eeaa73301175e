package dev.lathe.models.load;

import dev.lathe.models.chat.ChatMessage;
import dev.lathe.models.chat.ChatTemplate;
import dev.lathe.models.config.ModelConfig;
import dev.lathe.models.family.DecoderModel;
import dev.lathe.models.format.Weights;
import dev.lathe.models.generate.SamplingParams;
import dev.lathe.models.generate.TokenDecoder;
import dev.lathe.models.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A model ready to generate: its Hugging Face folder (downloaded or converted as needed), config,
 * decoder, tokenizer, chat template, end-of-sequence ids and the sampling its generation_config.json
 * asks for. Holds mapped weights and a native tokenizer: close it.
 *
 * @param folder the Hugging Face folder the model was loaded from
 * @param ownChatTemplate whether {@code chatTemplate} is the model's own; false means the documented
 *     ChatML default ({@link ChatTemplate#CHATML})
 * @param eosTokenIds the union of config.json's, generation_config.json's and the tokenizer's EOS ids
 */
public record LoadedModel(Path folder, ModelConfig config, DecoderModel model, Tokenizer tokenizer,
        ChatTemplate chatTemplate, boolean ownChatTemplate, Set<Integer> eosTokenIds, GenerationDefaults defaults,
        Weights weights) implements AutoCloseable {
    /** End-of-turn tokens of common chat formats: chat mode stops on those the vocabulary has. */
    static final List<String> END_OF_TURN = List.of("<|im_end|>", "<|eot_id|>", "<|end|>", "<end_of_turn>",
            "<|endoftext|>");

    public LoadedModel {
        eosTokenIds = Set.copyOf(eosTokenIds);
    }

    /** Decodes generated ids for the {@link dev.lathe.models.generate.Generator}, special tokens skipped. */
    public TokenDecoder decoder() {
        return (ids, from, to) -> tokenizer.decode(Arrays.copyOfRange(ids, from, to), true);
    }

    /**
     * The ids of a plain prompt, with the special tokens the tokenizer adds (usually BOS). An empty
     * prompt that encodes to nothing becomes the BOS id alone, so generation can start "from BOS".
     */
    public int[] encode(String prompt) {
        int[] ids = tokenizer.encode(prompt, true);
        if (ids.length > 0) {
            return ids;
        }
        if (config.bosTokenId().isPresent()) {
            return new int[] {config.bosTokenId().getAsInt()};
        }
        if (tokenizer.bos().isPresent()) {
            return new int[] {tokenizer.bos().get().id()};
        }
        throw new IllegalArgumentException("the prompt is empty and " + folder + " defines no BOS token to start from");
    }

    /** The prompt text of a conversation, ending where the assistant's reply begins. */
    public String renderChat(List<ChatMessage> messages) {
        return chatTemplate.render(messages, true);
    }

    /** The ids of a conversation's prompt (the template writes its own special tokens). */
    public int[] encodeChat(List<ChatMessage> messages) {
        return tokenizer.encode(renderChat(messages), false);
    }

    /** Ids that end an assistant turn in chat: EOS and the end-of-turn tokens this vocabulary has. */
    public Set<Integer> chatStopTokenIds() {
        Set<Integer> ids = new LinkedHashSet<>();
        for (String t : END_OF_TURN) {
            tokenizer.tokenToId(t).ifPresent(ids::add);
        }
        ids.removeAll(eosTokenIds);
        return ids;
    }

    /** Stop strings chat needs: the ChatML default's end marker when the vocabulary lacks it as a token. */
    public List<String> chatStopStrings() {
        return ownChatTemplate || tokenizer.tokenToId("<|im_end|>").isPresent() ? List.of() : List.of("<|im_end|>");
    }

    /** The model's sampling defaults with its EOS ids: the caller's options override on top. */
    public SamplingParams.Builder samplingDefaults() {
        return defaults.toBuilder().eosTokenIds(eosTokenIds);
    }

    @Override
    public void close() {
        try {
            tokenizer.close();
        } finally {
            weights.close();
        }
    }
}
