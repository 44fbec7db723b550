package dev.modelmeter.zoo;

import dev.modelmeter.dsl.BatchNorm2d;
import dev.modelmeter.dsl.Conv2d;
import dev.modelmeter.dsl.Dropout;
import dev.modelmeter.dsl.Linear;
import dev.modelmeter.dsl.Module;
import dev.modelmeter.dsl.ReLU6;
import dev.modelmeter.dsl.Sequential;
import dev.modelmeter.dsl.Tensor;

/**
 * torchvision's {@code MobileNetV2} (width 1.0): a stride-2 stem, 17 inverted-residual blocks
 * (1×1 expand, 3×3 depthwise, 1×1 linear projection; residual when the stride is 1 and the channels
 * match), a 1×1 convolution to 1280 channels, global average pooling (functional, no module) and
 * Dropout(0.2) + Linear.
 */
public final class MobileNetV2 extends Module {

    /** Expansion t, output channels c, repeats n, first stride s. */
    private static final int[][] SETTINGS = {
        {1, 16, 1, 1}, {6, 24, 2, 2}, {6, 32, 3, 2}, {6, 64, 4, 2}, {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1}};

    private final Sequential features;
    private final Sequential classifier;

    /**
     * MobileNetV2 for {@code classes} classes.
     *
     * @param classes the number of classes
     */
    public MobileNetV2(int classes) {
        Sequential f = new Sequential();
        f.add(convNormActivation(3, 32, 3, 2, 1));
        long in = 32;
        for (int[] s : SETTINGS) {
            for (int i = 0; i < s[2]; i++) {
                f.add(new InvertedResidual(in, s[1], i == 0 ? s[3] : 1, s[0]));
                in = s[1];
            }
        }
        f.add(convNormActivation(in, 1280, 1, 1, 1));
        features = register("features", f);
        classifier = register("classifier", new Sequential(new Dropout(0.2), new Linear(1280, classes)));
    }

    /** features → adaptive_avg_pool2d(1) → flatten(1) → classifier. */
    @Override
    protected Tensor forward(Tensor x) {
        Tensor y = features.apply(x);
        // torchvision calls nn.functional.adaptive_avg_pool2d here: no module, so emit the node in this scope
        return classifier.apply(y.adaptiveAvgPool2d(1, 1).flatten(1));
    }

    /** torchvision's Conv2dNormActivation: Conv (no bias, padding (k−1)/2) + BatchNorm2d + ReLU6(inplace). */
    private static Sequential convNormActivation(long in, long out, long kernel, long stride, long groups) {
        Sequential s = new ConvNormActivation();
        s.add(new Conv2d(in, out, kernel, stride, (kernel - 1) / 2, 1, groups, false));
        s.add(new BatchNorm2d(out));
        s.add(new ReLU6(true));
        return s;
    }

    /** A Sequential printed under torchvision's class name. */
    private static final class ConvNormActivation extends Sequential {
        @Override
        public String typeName() {
            return "Conv2dNormActivation";
        }
    }

    /** Expand (when t ≠ 1), depthwise, project; adds the input when shapes allow. */
    private static final class InvertedResidual extends Module {
        private final Sequential conv;
        private final boolean residual;

        InvertedResidual(long in, long out, int stride, int expand) {
            long hidden = in * expand;
            Sequential c = new Sequential();
            if (expand != 1) {
                c.add(convNormActivation(in, hidden, 1, 1, 1));
            }
            c.add(convNormActivation(hidden, hidden, 3, stride, hidden));
            c.add(new Conv2d(hidden, out, 1, 1, 0, false));
            c.add(new BatchNorm2d(out));
            conv = register("conv", c);
            residual = stride == 1 && in == out;
        }

        @Override
        public String typeName() {
            return "InvertedResidual";
        }

        @Override
        protected Tensor forward(Tensor x) {
            Tensor y = conv.apply(x);
            return residual ? x.add(y) : y;
        }
    }
}
