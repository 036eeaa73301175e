package dev.lathe.cli.recipe;

import java.util.Map;

/**
 * What a recipe run did, as {@code summary.json} holds it: the base model's and the tuned model's
 * figures on the validation and test splits (before and after), the training outcome and where the
 * outputs are. Every figure is measured in the run.
 *
 * @param weights        the PEFT adapter folder (LoRA) or the Hugging Face model folder (full fine-tuning)
 * @param trainableParameters the number of trained values
 * @param tokensPerSecond mean training throughput (input tokens, padding excluded) over this run's steps
 */
public record RunSummary(String recipe, String name, String runDir, String model, String method,
        long trainableParameters, Map<String, Integer> records, Map<String, Integer> sequences, Figures validationBefore,
        Figures validationAfter, Figures testBefore, Figures testAfter, long steps, boolean stoppedEarly, long bestStep,
        double trainSeconds, double tokensPerSecond, String weights, Map<String, Object> overrides) {

    /**
     * Mean loss per scored token and its exponential; for classification also accuracy and macro-F1 (null
     * otherwise, and left out of the JSON). A split that is empty has null figures.
     */
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public record Figures(double loss, double perplexity, Double accuracy, Double macroF1) {
        public Figures(double loss, double perplexity) {
            this(loss, perplexity, null, null);
        }
    }
}
