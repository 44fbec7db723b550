package dev.modelmeter.analysis.memory;

import dev.modelmeter.analysis.Analyzer;
import dev.modelmeter.onnx.OnnxReader;
import dev.modelmeter.testing.Truth;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** Training figures of an eval export come with a warning; of a training export, without. */
class ExportCheckTest {

    private static java.util.List<String> warningsFor(String fixture, String file) {
        Truth t = Truth.of(fixture);
        var shaped = Analyzer.standard().shape(OnnxReader.read(t.file(file)), t.options(1), new ArrayList<>());
        return ExportCheck.trainingWarnings(shaped);
    }

    @Test
    void evalExportWithFoldedBatchNormIsFlagged() {
        // truth.json: resnet18 has 20 BatchNorm modules; model.onnx (eval) holds none, train.onnx all 20
        assertThat(warningsFor("resnet18", "model.onnx")).singleElement().asString().contains("inference export");
        assertThat(warningsFor("resnet18", "train.onnx")).isEmpty();
    }

    @Test
    void trainExportWithDropoutIsNotFlagged() {
        assertThat(warningsFor("alexnet", "train.onnx")).isEmpty();
        assertThat(warningsFor("alexnet", "model.onnx")).isNotEmpty();
    }
}
