package dev.lathe.tune.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lathe.models.family.DecoderModel;
import dev.lathe.models.family.bert.BertModel;
import dev.lathe.tune.peft.AdapterBase;
import dev.lathe.tune.peft.TargetModules;
import dev.lathe.tune.peft.ia3.IA3Config;
import dev.lathe.tune.peft.ia3.IA3Model;
import dev.lathe.tune.peft.prefix.PrefixTuningConfig;
import dev.lathe.tune.peft.prefix.PrefixTuningModel;
import dev.lathe.tune.peft.prompt.PromptTuningConfig;
import dev.lathe.tune.peft.prompt.PromptTuningModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The Trainer trains IA3, prompt tuning and prefix tuning adapters on the tiny Llama, and resumes them exactly. */
class PeftTrainingTest {
    @TempDir
    Path tmp;

    static TrainableModel adapter(String method, DecoderModel model) {
        AdapterBase base = new AdapterBase.Decoder(model);
        return switch (method) {
            case "ia3" -> TrainableModel.peft(new IA3Model(base, IA3Config.of(TargetModules.of("k_proj", "v_proj",
                    "down_proj"), TargetModules.of("down_proj")), 3));
            case "prompt" -> TrainableModel.peft(PromptTuningModel.create(base, PromptTuningConfig.of(base, 4), null, 3));
            case "prefix" -> TrainableModel.peft(PrefixTuningModel.create(base, PrefixTuningConfig.of(base, 3), 3));
            default -> throw new IllegalArgumentException(method);
        };
    }

    TrainerConfig.Builder config(String dir) {
        return TrainerConfig.builder(tmp.resolve(dir)).batchSize(2).gradAccumulation(1).lr(5e-2).warmupSteps(1)
                .schedule(TrainerConfig.ScheduleKind.CONSTANT).maxGradNorm(1.0).seed(5);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ia3", "prompt", "prefix"})
    void theAdapterLearnsAndTheBaseWeightsStayUnchanged(String method) throws IOException {
        try (TrainerTest.Loaded m = TrainerTest.tiny()) {
            float[] k0 = m.model().weights().layers().get(0).k().weight().toFloatArray();
            TrainableModel model = adapter(method, m.model());
            Trainer trainer = new Trainer(model, TrainerTest.DATA, TrainerTest.DATA, config(method).maxSteps(6).build());
            double before = trainer.evaluate().loss();
            trainer.train();
            assertThat(trainer.evaluate().loss()).as("loss on the training data after 6 steps").isLessThan(before);
            assertThat(m.model().weights().layers().get(0).k().weight().toFloatArray()).containsExactly(k0);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ia3", "prompt", "prefix"})
    void resumingFromStep2GivesTheUninterruptedRunBitForBit(String method) throws IOException {
        try (TrainerTest.Loaded m = TrainerTest.tiny()) {
            Function<DecoderModel, TrainableModel> kind = d -> adapter(method, d);
            TrainableModel a = kind.apply(m.model());
            Trainer.Result first = new Trainer(a, TrainerTest.DATA, TrainerTest.VALIDATION,
                    config("a").maxSteps(4).saveSteps(2).build()).train();
            double[] all = TrainerTest.losses(first);
            TrainableModel b = kind.apply(m.model());
            Trainer resumed = new Trainer(b, TrainerTest.DATA, TrainerTest.VALIDATION,
                    config("b").maxSteps(4).saveSteps(2).build());
            resumed.resume(tmp.resolve("a/checkpoint-2"));
            assertThat(TrainerTest.losses(resumed.train())).containsExactly(Arrays.copyOfRange(all, 2, 4));
            Map<String, float[]> wa = TrainerTest.weights(a);
            TrainerTest.weights(b).forEach((n, v) -> assertThat(v).as(n).containsExactly(wa.get(n)));
        }
    }

    @Test
    void anAdapterOnABertEncoderIsRefusedWithAPointerToClassification() throws Exception {
        Path dir = Path.of(PeftTrainingTest.class.getResource("/tiny-models/bert-tiny").toURI());
        try (BertModel bert = BertModel.load(dir)) {
            AdapterBase base = new AdapterBase.Bert(bert);
            assertThatThrownBy(() -> TrainableModel.peft(PrefixTuningModel.create(base, PrefixTuningConfig.of(base, 2), 1)))
                    .hasMessageContaining("causal language models").hasMessageContaining("classification");
        }
    }
}
