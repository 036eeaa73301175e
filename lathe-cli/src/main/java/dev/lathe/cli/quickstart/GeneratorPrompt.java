package dev.lathe.cli.quickstart;

import dev.lathe.models.load.LoadedModel;
import dev.lathe.tune.data.AlpacaExample;
import dev.lathe.tune.data.Origin;
import dev.lathe.tune.data.tokenize.PromptFormat;
import dev.lathe.tune.data.tokenize.Segment;
import java.util.List;

/**
 * The prompt the response generator sees for a customer message, exactly as LoRA training wrote it: the
 * model's own chat template when it has one, else the plain format ({@code User: ...\nAssistant: }). Used
 * for training, for the evaluation's generated responses, and by the served support-bot.
 */
final class GeneratorPrompt {
    /** Where a plain-format reply ends if the model goes on to invent the next turn. */
    static final List<String> PLAIN_STOP = List.of("\nUser:");

    private GeneratorPrompt() {}

    static PromptFormat format(LoadedModel model) {
        return PromptFormat.forModel(model.chatTemplate(), model.ownChatTemplate());
    }

    /** The untrained segments before the reply: the text generation continues from. */
    static String promptText(PromptFormat format, String message) {
        StringBuilder sb = new StringBuilder();
        for (Segment s : format.render(new AlpacaExample(message, "", "x", null, Origin.NONE))) {
            if (s.trained()) break;
            sb.append(s.text());
        }
        return sb.toString();
    }

    /** Stop strings for the format (the plain format's next user turn; a template ends on its own tokens). */
    static List<String> stop(PromptFormat format) {
        return format instanceof PromptFormat.Plain ? PLAIN_STOP : List.of();
    }
}
