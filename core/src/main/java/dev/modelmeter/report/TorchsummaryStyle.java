package dev.modelmeter.report;

import dev.modelmeter.analysis.Layer;
import dev.modelmeter.analysis.ModelSummary;
import dev.modelmeter.graph.TensorType;

import java.util.Locale;
import java.util.stream.Collectors;

/**
 * torchsummary's table and footer, computed the way torchsummary computes them: one row per leaf
 * module call (functional calls outside modules are not rows), output shapes with the batch as -1, figures per sample, "MB" that are really MiB
 * (bytes / 1024²), and a "Forward/backward pass size" that is twice the sum of the rows' outputs —
 * not what training keeps (see docs/STYLES.md).
 */
public final class TorchsummaryStyle {

    private static final String RULE = "-".repeat(64);
    private static final String DOUBLE_RULE = "=".repeat(64);

    private TorchsummaryStyle() {
    }

    /**
     * The summary in torchsummary's layout.
     *
     * @param s the summary
     * @return the text
     */
    public static String render(ModelSummary s) {
        StringBuilder sb = new StringBuilder();
        sb.append(RULE).append('\n');
        sb.append(String.format(Locale.ROOT, "%20s  %25s %15s%n", "Layer (type)", "Output Shape", "Param #"));
        sb.append(DOUBLE_RULE).append('\n');
        long outputElements = 0;
        long rowParams = 0;
        int index = 0;
        for (Layer l : s.layers()) {
            if (l.depth() == 0) {
                continue; // functional calls outside any module (x.view(-1, 512)): torchsummary hooks modules only
            }
            index++;
            TensorType out = l.outputShapes().isEmpty() ? null : l.outputShapes().get(0);
            outputElements += TorchNames.perSampleElements(out);
            rowParams += l.params();
            sb.append(String.format(Locale.ROOT, "%20s  %25s %15s%n", TorchNames.moduleClass(l) + "-" + index,
                    shape(out), Format.count(l.params())));
        }
        long totalParams = s.params().total();
        long inputElements = s.inputs().values().stream().mapToLong(TorchNames::perSampleElements).sum();
        double mib = 1024.0 * 1024.0;
        double inputMb = inputElements * 4.0 / mib;
        double forwardBackwardMb = 2.0 * outputElements * 4.0 / mib;
        double paramsMb = totalParams * 4.0 / mib;
        sb.append(DOUBLE_RULE).append('\n');
        sb.append("Total params: ").append(Format.count(totalParams)).append('\n');
        sb.append("Trainable params: ").append(Format.count(s.params().trainable())).append('\n');
        sb.append("Non-trainable params: ").append(Format.count(s.params().nonTrainable())).append('\n');
        sb.append(RULE).append('\n');
        sb.append(String.format(Locale.ROOT, "Input size (MB): %.2f%n", inputMb));
        sb.append(String.format(Locale.ROOT, "Forward/backward pass size (MB): %.2f%n", forwardBackwardMb));
        sb.append(String.format(Locale.ROOT, "Params size (MB): %.2f%n", paramsMb));
        sb.append(String.format(Locale.ROOT, "Estimated Total Size (MB): %.2f%n", inputMb + forwardBackwardMb + paramsMb));
        sb.append(RULE).append('\n');
        if (rowParams != totalParams) {
            sb.append("(rows hold ").append(Format.count(rowParams)).append(" of the parameters; the rest belong to no leaf module)\n");
        }
        return sb.toString();
    }

    /** {@code [-1, 64, 32, 32]}: torchsummary replaces the batch with -1. */
    private static String shape(TensorType t) {
        if (t == null || t.shape() == null) {
            return "?";
        }
        if (t.shape().rank() == 0) {
            return "[]";
        }
        return "[-1" + t.shape().dims().stream().skip(1).map(d -> ", " + d).collect(Collectors.joining()) + "]";
    }
}
