package dev.modelmeter.analysis.memory;

import dev.modelmeter.graph.Node;
import dev.modelmeter.shapes.ShapedGraph;

import java.util.List;

/**
 * Says when training figures are asked of a graph that looks like an inference export. PyTorch's
 * exporters, in eval mode, fold BatchNorm into the preceding convolution and drop Dropout; such a
 * graph trains like a network without them, so its figures miss their parameters, gradients, optimizer
 * state and saved activations.
 */
public final class ExportCheck {

    private ExportCheck() {
    }

    /**
     * A warning when {@code shaped} looks like an eval export of a network, else nothing.
     *
     * @param shaped the graph
     * @return at most one warning
     */
    public static List<String> trainingWarnings(ShapedGraph shaped) {
        boolean network = false;
        boolean dropout = false;
        boolean evalBatchNorm = false;
        boolean trainBatchNorm = false;
        for (Node n : shaped.order()) {
            switch (n.opType()) {
                case "Conv", "Gemm", "MatMul" -> network = true;
                case "Dropout" -> dropout = true;
                case "BatchNormalization" -> {
                    if (n.intAttr("training_mode", 0) == 1 || n.outputs().stream().filter(o -> !o.isEmpty()).count() > 1) {
                        trainBatchNorm = true;
                    } else {
                        evalBatchNorm = true;
                    }
                }
                default -> { }
            }
        }
        if (evalBatchNorm && !trainBatchNorm) {
            return List.of("this graph's BatchNormalization runs in inference mode (running statistics): in training"
                    + " PyTorch uses batch statistics and saves more; export with model.train() and"
                    + " training=TrainingMode.TRAINING for exact training figures");
        }
        if (network && !dropout && !trainBatchNorm) {
            return List.of("this graph looks like an inference export (no Dropout, no training-mode BatchNorm): if the"
                    + " model has BatchNorm layers, the exporter folded them into the convolutions, so the training"
                    + " figures miss their parameters, gradients, optimizer state and saved activations, and any"
                    + " Dropout masks; export with model.train() and training=TrainingMode.TRAINING for exact figures");
        }
        return List.of();
    }
}
