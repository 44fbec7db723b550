package dev.modelmeter.cli;

import dev.modelmeter.ModelMeterException;
import dev.modelmeter.analysis.AnalysisOptions;
import dev.modelmeter.graph.Dim;
import dev.modelmeter.graph.TensorType;
import dev.modelmeter.graph.ValueInfo;
import dev.modelmeter.shapes.ShapedGraph;

/** The batch a bound graph runs with: --batch, else the leading dim of its first bound input. */
final class Batches {

    private Batches() {
    }

    static int of(ShapedGraph shaped, AnalysisOptions options) {
        if (options.batch() != null) {
            return options.batch();
        }
        for (ValueInfo in : shaped.graph().inputs()) {
            TensorType t = shaped.tensor(in.name());
            if (t != null && t.shape() != null && t.shape().rank() > 0 && t.shape().dim(0) instanceof Dim.Known k) {
                long batch = Math.max(1, k.value());
                if (batch > Integer.MAX_VALUE) {
                    // a step of more samples than an int counts cannot be planned; cutting it would plan another
                    throw new ModelMeterException("input '" + in.name() + "': batch " + batch
                            + " is more than the " + Integer.MAX_VALUE + " samples a step can be planned for");
                }
                return (int) batch;
            }
        }
        return 1;
    }
}
