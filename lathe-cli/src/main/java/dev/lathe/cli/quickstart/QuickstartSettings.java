package dev.lathe.cli.quickstart;

/**
 * How big a quickstart run is: the default run (all 4,514 rows, a few hundred LoRA steps, tens of generated
 * responses; under 20 minutes on 2 cores) or {@code --fast} (a few hundred rows, a few dozen steps, a few
 * responses; under 3 minutes, for tests and CI). Every size is recorded in the run's metrics.
 *
 * @param maxRecords           rows sampled from the dataset (0: all)
 * @param classifierMaxLength  tokens per message for the intent classifier
 * @param classifierEpochs     most epochs of head training (early stopping on validation macro-F1)
 * @param classifierLr         head learning rate
 * @param generatorMaxLength   tokens per instruction + response sequence for LoRA
 * @param generatorSteps       most LoRA steps (early stopping on validation loss)
 * @param generatorBatch       LoRA batch size
 * @param generatorEvalSteps   steps between validation-loss evaluations
 * @param generatedResponses   test responses generated greedily by each of base and tuned
 * @param generatedMaxTokens   most tokens per generated response
 * @param targetAccuracy       accuracy the answered messages must keep (threshold calibration)
 */
public record QuickstartSettings(boolean fast, int maxRecords, int classifierMaxLength, int classifierEpochs,
        double classifierLr, int generatorMaxLength, int generatorSteps, int generatorBatch, int generatorEvalSteps,
        int generatedResponses, int generatedMaxTokens, double targetAccuracy) {
    static final long SEED = 42;

    /** The default run. */
    public static QuickstartSettings standard() {
        return new QuickstartSettings(false, 0, 64, 40, 1e-2, 192, 300, 8, 50, 40, 96, 0.9);
    }

    /** The {@code --fast} run. */
    public static QuickstartSettings reduced() {
        return new QuickstartSettings(true, 400, 48, 60, 2e-2, 128, 20, 8, 10, 6, 48, 0.9);
    }
}
