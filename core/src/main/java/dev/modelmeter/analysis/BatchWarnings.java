package dev.modelmeter.analysis;

import dev.modelmeter.graph.Shape;
import dev.modelmeter.graph.TensorType;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds reshapes that silently change the batch: PyTorch's {@code view(-1, 512)} on a
 * {@code 1×512×7×7} tensor gives 49 rows, so a network built for 32×32 inputs "works" on a 224×224
 * image and returns 49 predictions. A reshape that merges the batch with the next dims
 * ({@code 1×128×768 → 128×768}) or splits it back is legitimate and not reported.
 */
final class BatchWarnings {

    private BatchWarnings() {
    }

    static List<String> find(List<NodeCost> nodes) {
        List<String> out = new ArrayList<>();
        for (NodeCost n : nodes) {
            String op = n.node().opType();
            if (!op.equals("Reshape") && !op.equals("Flatten") || n.inputs().isEmpty() || n.outputs().isEmpty()
                    || n.constantFolded()) {
                continue;
            }
            TensorType in = n.inputs().get(0);
            TensorType res = n.outputs().get(0);
            if (!in.isFullyKnown() || !res.isFullyKnown() || in.shape().rank() == 0 || res.shape().rank() == 0) {
                continue;
            }
            long before = in.shape().dim(0).value();
            long after = res.shape().dim(0).value();
            if (before == after || isPrefixProduct(after, in.shape()) || isPrefixProduct(before, res.shape())) {
                continue;
            }
            String where = n.node().scope().isEmpty() ? "a reshape (node '" + n.node().name() + "')"
                    : n.node().scope() + " (" + op + ")";
            out.add("batch changed: " + where + " turns " + in.shape().toListString() + " into "
                    + res.shape().toListString() + ", so a batch of " + before + " becomes " + after
                    + " rows. PyTorch's view/reshape does the same without a word, and every later layer runs on "
                    + after + " rows; the input size is probably not the one the network was built for.");
        }
        return out;
    }

    private static boolean isPrefixProduct(long value, Shape shape) {
        long p = 1;
        for (int i = 0; i < shape.rank(); i++) {
            p *= shape.dim(i).value();
            if (p == value) {
                return true;
            }
        }
        return false;
    }
}
