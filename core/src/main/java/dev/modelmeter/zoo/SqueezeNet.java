package dev.modelmeter.zoo;

import dev.modelmeter.dsl.AdaptiveAvgPool2d;
import dev.modelmeter.dsl.Conv2d;
import dev.modelmeter.dsl.Dropout;
import dev.modelmeter.dsl.MaxPool2d;
import dev.modelmeter.dsl.Module;
import dev.modelmeter.dsl.ReLU;
import dev.modelmeter.dsl.Sequential;
import dev.modelmeter.dsl.Tensor;

/**
 * torchvision's {@code SqueezeNet} 1.1: a 3×3 stride-2 stem, Fire modules (1×1 squeeze, then 1×1 and 3×3
 * expands concatenated on the channels) between ceil-mode max pools, and a convolutional classifier
 * (Dropout, 1×1 Conv to the classes, ReLU, global average pool).
 */
public final class SqueezeNet extends Module {

    private final Sequential features;
    private final Sequential classifier;

    /**
     * SqueezeNet 1.1.
     *
     * @param classes the number of classes
     */
    public SqueezeNet(int classes) {
        features = register("features", new Sequential(
                new Conv2d(3, 64, 3, 2, 0), new ReLU(true), pool(),
                new Fire(64, 16, 64, 64), new Fire(128, 16, 64, 64), pool(),
                new Fire(128, 32, 128, 128), new Fire(256, 32, 128, 128), pool(),
                new Fire(256, 48, 192, 192), new Fire(384, 48, 192, 192),
                new Fire(384, 64, 256, 256), new Fire(512, 64, 256, 256)));
        classifier = register("classifier", new Sequential(
                new Dropout(0.5), new Conv2d(512, classes, 1), new ReLU(true), new AdaptiveAvgPool2d(1)));
    }

    private static MaxPool2d pool() {
        return new MaxPool2d(3, 2, 0, 1, true);
    }

    /** torchvision's class name. */
    @Override
    public String typeName() {
        return "SqueezeNet";
    }

    /**
     * features → classifier → flatten(1).
     *
     * @param x images [N, 3, H, W]
     * @return class scores [N, classes]
     */
    @Override
    protected Tensor forward(Tensor x) {
        return classifier.apply(features.apply(x)).flatten(1);
    }

    /** Squeeze to few channels, expand with 1×1 and 3×3 convolutions, concatenate. */
    private static final class Fire extends Module {
        private final Conv2d squeeze;
        private final ReLU squeezeActivation;
        private final Conv2d expand1x1;
        private final ReLU expand1x1Activation;
        private final Conv2d expand3x3;
        private final ReLU expand3x3Activation;

        Fire(long in, long squeezePlanes, long expand1x1Planes, long expand3x3Planes) {
            squeeze = register("squeeze", new Conv2d(in, squeezePlanes, 1));
            squeezeActivation = register("squeeze_activation", new ReLU(true));
            expand1x1 = register("expand1x1", new Conv2d(squeezePlanes, expand1x1Planes, 1));
            expand1x1Activation = register("expand1x1_activation", new ReLU(true));
            expand3x3 = register("expand3x3", new Conv2d(squeezePlanes, expand3x3Planes, 3, 1, 1));
            expand3x3Activation = register("expand3x3_activation", new ReLU(true));
        }

        @Override
        public String typeName() {
            return "Fire";
        }

        @Override
        protected Tensor forward(Tensor x) {
            Tensor s = squeezeActivation.apply(squeeze.apply(x));
            return Tensor.cat(1, expand1x1Activation.apply(expand1x1.apply(s)),
                    expand3x3Activation.apply(expand3x3.apply(s)));
        }
    }
}
