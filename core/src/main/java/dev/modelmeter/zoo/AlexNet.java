package dev.modelmeter.zoo;

import dev.modelmeter.dsl.AdaptiveAvgPool2d;
import dev.modelmeter.dsl.Conv2d;
import dev.modelmeter.dsl.Dropout;
import dev.modelmeter.dsl.Linear;
import dev.modelmeter.dsl.MaxPool2d;
import dev.modelmeter.dsl.Module;
import dev.modelmeter.dsl.ReLU;
import dev.modelmeter.dsl.Sequential;
import dev.modelmeter.dsl.Tensor;

/** torchvision's {@code AlexNet}: five convolutions, AdaptiveAvgPool2d(6, 6), three Linear layers. */
public final class AlexNet extends Module {

    private final Sequential features;
    private final AdaptiveAvgPool2d avgpool;
    private final Sequential classifier;

    /**
     * AlexNet for {@code classes} classes (dropout 0.5), 224×224 inputs.
     *
     * @param classes the number of classes
     */
    public AlexNet(int classes) {
        features = register("features", new Sequential(
                new Conv2d(3, 64, 11, 4, 2), new ReLU(true), new MaxPool2d(3, 2, 0),
                new Conv2d(64, 192, 5, 1, 2), new ReLU(true), new MaxPool2d(3, 2, 0),
                new Conv2d(192, 384, 3, 1, 1), new ReLU(true),
                new Conv2d(384, 256, 3, 1, 1), new ReLU(true),
                new Conv2d(256, 256, 3, 1, 1), new ReLU(true), new MaxPool2d(3, 2, 0)));
        avgpool = register("avgpool", new AdaptiveAvgPool2d(6, 6));
        classifier = register("classifier", new Sequential(
                new Dropout(0.5), new Linear(256 * 6 * 6, 4096), new ReLU(true),
                new Dropout(0.5), new Linear(4096, 4096), new ReLU(true),
                new Linear(4096, classes)));
    }

    /** features → avgpool → flatten(1) → classifier. */
    @Override
    protected Tensor forward(Tensor x) {
        return classifier.apply(avgpool.apply(features.apply(x)).flatten(1));
    }
}
