package dev.modelmeter.report;

import dev.modelmeter.analysis.Layer;
import dev.modelmeter.graph.TensorType;

import java.util.Map;

/**
 * The PyTorch module class a row stands for, as torchsummary and torchstat print it: what the source
 * recorded when it did, else the usual module behind the ONNX operator (a Conv on 4-D data is a Conv2d).
 */
final class TorchNames {

    private static final Map<String, String> BY_OP = Map.ofEntries(
            Map.entry("Gemm", "Linear"), Map.entry("MatMul", "Linear"), Map.entry("Relu", "ReLU"),
            Map.entry("Clip", "ReLU6"), Map.entry("Dropout", "Dropout"), Map.entry("Flatten", "Flatten"),
            Map.entry("Reshape", "View"), Map.entry("Sigmoid", "Sigmoid"), Map.entry("Tanh", "Tanh"),
            Map.entry("Softmax", "Softmax"), Map.entry("LogSoftmax", "LogSoftmax"), Map.entry("Gather", "Embedding"),
            Map.entry("LayerNormalization", "LayerNorm"), Map.entry("HardSwish", "Hardswish"),
            Map.entry("HardSigmoid", "Hardsigmoid"), Map.entry("Gelu", "GELU"), Map.entry("Erf", "GELU"),
            Map.entry("LeakyRelu", "LeakyReLU"), Map.entry("PRelu", "PReLU"), Map.entry("Elu", "ELU"),
            Map.entry("GlobalAveragePool", "AdaptiveAvgPool2d"), Map.entry("GlobalMaxPool", "AdaptiveMaxPool2d"),
            Map.entry("Add", "Add"), Map.entry("Identity", "Identity"));

    private TorchNames() {
    }

    static String moduleClass(Layer l) {
        if (l.moduleClass() != null) {
            return l.moduleClass();
        }
        int spatial = l.outputShapes().isEmpty() || l.outputShapes().get(0).shape() == null ? 2
                : Math.max(1, l.outputShapes().get(0).shape().rank() - 2);
        return switch (l.op()) {
            case "Conv" -> "Conv" + spatial + "d";
            case "ConvTranspose" -> "ConvTranspose" + spatial + "d";
            case "BatchNormalization" -> "BatchNorm" + spatial + "d";
            case "MaxPool" -> "MaxPool" + spatial + "d";
            case "AveragePool" -> "AvgPool" + spatial + "d";
            case "InstanceNormalization" -> "InstanceNorm" + spatial + "d";
            default -> BY_OP.getOrDefault(l.op(), l.op());
        };
    }

    /** Elements of one sample of a row's first output (torchsummary prints the batch as -1). */
    static long perSampleElements(TensorType t) {
        if (t == null || !t.isFullyKnown() || t.shape().rank() == 0) {
            return 0;
        }
        long n = 1;
        for (int i = 1; i < t.shape().rank(); i++) {
            n *= t.shape().dim(i).value();
        }
        return n;
    }
}
