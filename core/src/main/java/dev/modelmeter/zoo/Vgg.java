package dev.modelmeter.zoo;

import dev.modelmeter.dsl.AdaptiveAvgPool2d;
import dev.modelmeter.dsl.BatchNorm2d;
import dev.modelmeter.dsl.Conv2d;
import dev.modelmeter.dsl.Dropout;
import dev.modelmeter.dsl.Linear;
import dev.modelmeter.dsl.MaxPool2d;
import dev.modelmeter.dsl.Module;
import dev.modelmeter.dsl.ReLU;
import dev.modelmeter.dsl.Sequential;
import dev.modelmeter.dsl.Tensor;

/**
 * torchvision's {@code VGG} (configuration D = VGG16, with or without BatchNorm): {@code features}
 * (3×3 convolutions, padding 1, in-place ReLU, 2×2 max pools), {@code avgpool} AdaptiveAvgPool2d(7, 7),
 * flatten, {@code classifier} (two 4096-wide Linear+ReLU+Dropout, then Linear to the classes).
 */
public final class Vgg extends Module {

    /** Configuration D: output channels per convolution, 0 for a max pool. */
    private static final int[] CONFIG_D = {64, 64, 0, 128, 128, 0, 256, 256, 256, 0, 512, 512, 512, 0, 512, 512, 512, 0};

    private final Sequential features;
    private final AdaptiveAvgPool2d avgpool;
    private final Sequential classifier;

    /**
     * VGG16 ({@code batchNorm} false) or VGG16-BN for {@code classes} classes, 224×224 inputs.
     *
     * @param batchNorm true for the BatchNorm variant
     * @param classes the number of classes
     */
    public Vgg(boolean batchNorm, int classes) {
        Sequential f = new Sequential();
        long in = 3;
        for (int c : CONFIG_D) {
            if (c == 0) {
                f.add(new MaxPool2d(2, 2, 0));
            } else {
                f.add(new Conv2d(in, c, 3, 1, 1));
                if (batchNorm) {
                    f.add(new BatchNorm2d(c));
                }
                f.add(new ReLU(true));
                in = c;
            }
        }
        features = register("features", f);
        avgpool = register("avgpool", new AdaptiveAvgPool2d(7, 7));
        classifier = register("classifier", new Sequential(
                new Linear(512 * 7 * 7, 4096), new ReLU(true), new Dropout(0.5),
                new Linear(4096, 4096), new ReLU(true), new Dropout(0.5),
                new Linear(4096, classes)));
    }

    /** torchvision's {@code VGG} class name. */
    @Override
    public String typeName() {
        return "VGG";
    }

    /** features → avgpool → flatten(1) → classifier. */
    @Override
    protected Tensor forward(Tensor x) {
        return classifier.apply(avgpool.apply(features.apply(x)).flatten(1));
    }
}
