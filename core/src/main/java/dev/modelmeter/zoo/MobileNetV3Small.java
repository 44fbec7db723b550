package dev.modelmeter.zoo;

import dev.modelmeter.dsl.AdaptiveAvgPool2d;
import dev.modelmeter.dsl.BatchNorm2d;
import dev.modelmeter.dsl.Conv2d;
import dev.modelmeter.dsl.Dropout;
import dev.modelmeter.dsl.Hardsigmoid;
import dev.modelmeter.dsl.Hardswish;
import dev.modelmeter.dsl.Linear;
import dev.modelmeter.dsl.Module;
import dev.modelmeter.dsl.ReLU;
import dev.modelmeter.dsl.Sequential;
import dev.modelmeter.dsl.Tensor;

/**
 * torchvision's {@code MobileNetV3} small (width 1.0): Hardswish stem, eleven inverted-residual blocks
 * (optional 1×1 expand, depthwise k×k, optional squeeze-and-excitation with a Hardsigmoid gate, 1×1
 * projection; ReLU or Hardswish), a 1×1 convolution to 576 channels, global average pool and a
 * Linear(576, 1024) + Hardswish + Dropout(0.2) + Linear classifier. BatchNorm eps 0.001, momentum 0.01.
 */
public final class MobileNetV3Small extends Module {

    /** Input channels, kernel, expanded channels, output channels, SE, Hardswish, stride (torchvision's table). */
    private static final int[][] BLOCKS = {
        {16, 3, 16, 16, 1, 0, 2}, {16, 3, 72, 24, 0, 0, 2}, {24, 3, 88, 24, 0, 0, 1},
        {24, 5, 96, 40, 1, 1, 2}, {40, 5, 240, 40, 1, 1, 1}, {40, 5, 240, 40, 1, 1, 1},
        {40, 5, 120, 48, 1, 1, 1}, {48, 5, 144, 48, 1, 1, 1}, {48, 5, 288, 96, 1, 1, 2},
        {96, 5, 576, 96, 1, 1, 1}, {96, 5, 576, 96, 1, 1, 1}};

    private final Sequential features;
    private final AdaptiveAvgPool2d avgpool;
    private final Sequential classifier;

    /**
     * MobileNetV3 small.
     *
     * @param classes the number of classes
     */
    public MobileNetV3Small(int classes) {
        Sequential f = new Sequential();
        f.add(convNormActivation(3, 16, 3, 2, 1, Act.HARDSWISH));
        for (int[] b : BLOCKS) {
            f.add(new InvertedResidual(b[0], b[1], b[2], b[3], b[4] == 1, b[5] == 1 ? Act.HARDSWISH : Act.RELU, b[6]));
        }
        f.add(convNormActivation(96, 576, 1, 1, 1, Act.HARDSWISH));
        features = register("features", f);
        avgpool = register("avgpool", new AdaptiveAvgPool2d(1));
        classifier = register("classifier", new Sequential(new Linear(576, 1024), new Hardswish(true),
                new Dropout(0.2), new Linear(1024, classes)));
    }

    /** torchvision's class name. */
    @Override
    public String typeName() {
        return "MobileNetV3";
    }

    /**
     * features → avgpool → flatten(1) → classifier.
     *
     * @param x images [N, 3, H, W]
     * @return class scores [N, classes]
     */
    @Override
    protected Tensor forward(Tensor x) {
        return classifier.apply(avgpool.apply(features.apply(x)).flatten(1));
    }

    private enum Act { NONE, RELU, HARDSWISH }

    /** torchvision's {@code _make_divisible(v, 8)}: round to a multiple of 8, never below 90% of v. */
    static long makeDivisible(long v) {
        long rounded = Math.max(8, (v + 4) / 8 * 8);
        return rounded < 0.9 * v ? rounded + 8 : rounded;
    }

    /** Conv2dNormActivation: Conv (no bias, padding (k−1)/2) + BatchNorm2d(eps 0.001) [+ activation, in place]. */
    private static Sequential convNormActivation(long in, long out, long kernel, long stride, long groups, Act act) {
        Sequential s = new Sequential() {
            @Override
            public String typeName() {
                return "Conv2dNormActivation";
            }
        };
        s.add(new Conv2d(in, out, kernel, stride, (kernel - 1) / 2, 1, groups, false));
        s.add(new BatchNorm2d(out, 0.001, 0.01));
        if (act == Act.RELU) {
            s.add(new ReLU(true));
        } else if (act == Act.HARDSWISH) {
            s.add(new Hardswish(true));
        }
        return s;
    }

    /** Expand, depthwise, [squeeze-excite], project; adds the input when shapes allow. */
    private static final class InvertedResidual extends Module {
        private final Sequential block;
        private final boolean residual;

        InvertedResidual(long in, long kernel, long expanded, long out, boolean se, Act act, long stride) {
            Sequential b = new Sequential();
            if (expanded != in) {
                b.add(convNormActivation(in, expanded, 1, 1, 1, act));
            }
            b.add(convNormActivation(expanded, expanded, kernel, stride, expanded, act));
            if (se) {
                b.add(new SqueezeExcitation(expanded, makeDivisible(expanded / 4)));
            }
            b.add(convNormActivation(expanded, out, 1, 1, 1, Act.NONE));
            block = register("block", b);
            residual = stride == 1 && in == out;
        }

        @Override
        public String typeName() {
            return "InvertedResidual";
        }

        @Override
        protected Tensor forward(Tensor x) {
            Tensor y = block.apply(x);
            return residual ? y.add(x) : y;
        }
    }

    /** Channel gate: average pool, 1×1 reduce, ReLU, 1×1 expand, Hardsigmoid, multiply the input. */
    private static final class SqueezeExcitation extends Module {
        private final AdaptiveAvgPool2d avgpool;
        private final Conv2d fc1;
        private final Conv2d fc2;
        private final ReLU activation;
        private final Hardsigmoid scaleActivation;

        SqueezeExcitation(long channels, long squeeze) {
            avgpool = register("avgpool", new AdaptiveAvgPool2d(1));
            fc1 = register("fc1", new Conv2d(channels, squeeze, 1));
            fc2 = register("fc2", new Conv2d(squeeze, channels, 1));
            activation = register("activation", new ReLU());
            scaleActivation = register("scale_activation", new Hardsigmoid());
        }

        @Override
        public String typeName() {
            return "SqueezeExcitation";
        }

        @Override
        protected Tensor forward(Tensor x) {
            Tensor scale = scaleActivation.apply(fc2.apply(activation.apply(fc1.apply(avgpool.apply(x)))));
            return scale.mul(x);
        }
    }
}
