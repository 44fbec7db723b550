package dev.modelmeter;

import dev.modelmeter.analysis.memory.Device;
import dev.modelmeter.analysis.memory.FitSolver;
import dev.modelmeter.analysis.memory.MemoryPlan;
import dev.modelmeter.analysis.memory.TrainingSetup;
import dev.modelmeter.graph.Model;
import dev.modelmeter.testing.SharedData;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The front door's memory, fit and load(Path), against truth.json. */
class ModelMeterFacadeTest {

    @Test
    void loadsAPathAndPlansMemoryAndFits() {
        Path train = SharedData.path("fixtures/resnet18/train.onnx");
        JsonNode truth = JsonMapper.builder().build().readTree(train.resolveSibling("truth.json").toFile());
        Model m = ModelMeter.load(train);
        assertThat(m.graph().nodes()).isNotEmpty();

        MemoryPlan plan = ModelMeter.memory(train.toString(), TrainingSetup.defaults(8));
        assertThat(plan.setup().batch()).isEqualTo(8);
        // parameters and buffers as PyTorch stores them (truth.json)
        assertThat(plan.statics().params()).isEqualTo(truth.get("params").get("bytes").asLong());
        // BatchNorm's running statistics (the export drops num_batches_tracked)
        JsonNode kinds = truth.get("buffers").get("by_kind");
        assertThat(plan.statics().buffers()).isEqualTo(kinds.get("running_mean").get("bytes").asLong()
                + kinds.get("running_var").get("bytes").asLong());
        // input 8 × 3 × 224 × 224 float32 = 4,816,896 bytes
        assertThat(plan.statics().inputs()).isEqualTo(8L * 3 * 224 * 224 * 4);

        FitSolver.Fit fit = ModelMeter.fit(train.toString(), TrainingSetup.defaults(1), Device.ofMemory(4L << 30));
        assertThat(fit.maxBatch()).isPositive();
        assertThat(fit.atMax().totalBytes()).isLessThanOrEqualTo(4L << 30);
    }
}
