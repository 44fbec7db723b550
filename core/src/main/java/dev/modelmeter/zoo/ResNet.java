package dev.modelmeter.zoo;

import dev.modelmeter.dsl.AdaptiveAvgPool2d;
import dev.modelmeter.dsl.BatchNorm2d;
import dev.modelmeter.dsl.Conv2d;
import dev.modelmeter.dsl.Linear;
import dev.modelmeter.dsl.MaxPool2d;
import dev.modelmeter.dsl.Module;
import dev.modelmeter.dsl.ReLU;
import dev.modelmeter.dsl.Sequential;
import dev.modelmeter.dsl.Tensor;

/**
 * torchvision's {@code ResNet}: a 7×7 stride-2 stem, a 3×3 max pool, four stages of BasicBlocks
 * (ResNet-18/34) or Bottlenecks (ResNet-50/101/152, stride on the 3×3 convolution: "v1.5"), global
 * average pool and a Linear classifier. Each block calls its one ReLU module several times, as torchvision
 * does, so the same module path appears with call indices 0, 1 (, 2).
 */
public final class ResNet extends Module {

    private final Conv2d conv1;
    private final BatchNorm2d bn1;
    private final ReLU relu;
    private final MaxPool2d maxpool;
    private final Sequential[] layers = new Sequential[4];
    private final AdaptiveAvgPool2d avgpool;
    private final Linear fc;

    /**
     * A ResNet with the given blocks per stage.
     *
     * @param bottleneck true for Bottleneck blocks (expansion 4), false for BasicBlocks
     * @param blocks     number of blocks in each of the four stages
     * @param classes    number of classes
     */
    public ResNet(boolean bottleneck, int[] blocks, int classes) {
        conv1 = register("conv1", new Conv2d(3, 64, 7, 2, 3, false));
        bn1 = register("bn1", new BatchNorm2d(64));
        relu = register("relu", new ReLU(true));
        maxpool = register("maxpool", new MaxPool2d(3, 2, 1));
        int expansion = bottleneck ? 4 : 1;
        long inplanes = 64;
        for (int stage = 0; stage < 4; stage++) {
            long planes = 64L << stage;
            int stride = stage == 0 ? 1 : 2;
            Sequential layer = new Sequential();
            for (int b = 0; b < blocks[stage]; b++) {
                int s = b == 0 ? stride : 1;
                boolean downsample = b == 0 && (s != 1 || inplanes != planes * expansion);
                layer.add(bottleneck ? new Bottleneck(inplanes, planes, s, downsample)
                        : new BasicBlock(inplanes, planes, s, downsample));
                inplanes = planes * expansion;
            }
            layers[stage] = register("layer" + (stage + 1), layer);
        }
        avgpool = register("avgpool", new AdaptiveAvgPool2d(1));
        fc = register("fc", new Linear(512L * expansion, classes));
    }

    /**
     * ResNet-18: BasicBlocks [2, 2, 2, 2], 1000 classes.
     *
     * @return the model
     */
    public static ResNet resnet18() {
        return new ResNet(false, new int[] {2, 2, 2, 2}, 1000);
    }

    /**
     * ResNet-50: Bottlenecks [3, 4, 6, 3], 1000 classes.
     *
     * @return the model
     */
    public static ResNet resnet50() {
        return new ResNet(true, new int[] {3, 4, 6, 3}, 1000);
    }

    /** stem → layer1…layer4 → avgpool → flatten(1) → fc. */
    @Override
    protected Tensor forward(Tensor x) {
        Tensor y = maxpool.apply(relu.apply(bn1.apply(conv1.apply(x))));
        for (Sequential layer : layers) {
            y = layer.apply(y);
        }
        return fc.apply(avgpool.apply(y).flatten(1));
    }

    private static Sequential downsample(long in, long out, int stride) {
        return new Sequential(new Conv2d(in, out, 1, stride, 0, false), new BatchNorm2d(out));
    }

    /** Two 3×3 convolutions and an identity (or downsampled) shortcut. */
    private static final class BasicBlock extends Module {
        private final Conv2d conv1;
        private final BatchNorm2d bn1;
        private final ReLU relu;
        private final Conv2d conv2;
        private final BatchNorm2d bn2;
        private final Sequential downsample;

        BasicBlock(long inplanes, long planes, int stride, boolean withDownsample) {
            conv1 = register("conv1", new Conv2d(inplanes, planes, 3, stride, 1, false));
            bn1 = register("bn1", new BatchNorm2d(planes));
            relu = register("relu", new ReLU(true));
            conv2 = register("conv2", new Conv2d(planes, planes, 3, 1, 1, false));
            bn2 = register("bn2", new BatchNorm2d(planes));
            downsample = withDownsample ? register("downsample", ResNet.downsample(inplanes, planes, stride)) : null;
        }

        @Override
        public String typeName() {
            return "BasicBlock";
        }

        @Override
        protected Tensor forward(Tensor x) {
            Tensor out = bn2.apply(conv2.apply(relu.apply(bn1.apply(conv1.apply(x)))));
            Tensor identity = downsample == null ? x : downsample.apply(x);
            return relu.apply(out.add(identity));
        }
    }

    /** 1×1 reduce, 3×3 (carrying the stride), 1×1 expand ×4, and the shortcut. */
    private static final class Bottleneck extends Module {
        private final Conv2d conv1;
        private final BatchNorm2d bn1;
        private final Conv2d conv2;
        private final BatchNorm2d bn2;
        private final Conv2d conv3;
        private final BatchNorm2d bn3;
        private final ReLU relu;
        private final Sequential downsample;

        Bottleneck(long inplanes, long planes, int stride, boolean withDownsample) {
            long width = planes;
            conv1 = register("conv1", new Conv2d(inplanes, width, 1, 1, 0, false));
            bn1 = register("bn1", new BatchNorm2d(width));
            conv2 = register("conv2", new Conv2d(width, width, 3, stride, 1, false));
            bn2 = register("bn2", new BatchNorm2d(width));
            conv3 = register("conv3", new Conv2d(width, planes * 4, 1, 1, 0, false));
            bn3 = register("bn3", new BatchNorm2d(planes * 4));
            relu = register("relu", new ReLU(true));
            downsample = withDownsample ? register("downsample", ResNet.downsample(inplanes, planes * 4, stride))
                    : null;
        }

        @Override
        public String typeName() {
            return "Bottleneck";
        }

        @Override
        protected Tensor forward(Tensor x) {
            Tensor out = relu.apply(bn1.apply(conv1.apply(x)));
            out = relu.apply(bn2.apply(conv2.apply(out)));
            out = bn3.apply(conv3.apply(out));
            Tensor identity = downsample == null ? x : downsample.apply(x);
            return relu.apply(out.add(identity));
        }
    }
}
