package dev.modelmeter.zoo;

import dev.modelmeter.dsl.BatchNorm2d;
import dev.modelmeter.dsl.Conv2d;
import dev.modelmeter.dsl.Dropout;
import dev.modelmeter.dsl.Linear;
import dev.modelmeter.dsl.MaxPool2d;
import dev.modelmeter.dsl.Module;
import dev.modelmeter.dsl.ModuleList;
import dev.modelmeter.dsl.ReLU;
import dev.modelmeter.dsl.Sequential;
import dev.modelmeter.dsl.Tensor;

/**
 * The hand-written VGG16 with BatchNorm for 32×32 CIFAR inputs of the {@code vgg16_seed} fixture: five
 * blocks {@code layer1}…{@code layer5} of Conv-BN-ReLU triples and a max pool, the same five blocks
 * registered again as the ModuleList {@code conv} (shared modules: their parameters count once), a
 * {@code view(-1, 512)} and the classifier {@code fc} (512 → 512 → 256 → 10 with ReLU and Dropout).
 * Where the fixture does not tell (ReLU in place, dropout rate) torchvision's VGG choices are used.
 */
public final class VggCifarSeed extends Module {

    private final Sequential[] layers = new Sequential[5];
    private final Sequential fc;

    /** The model with 10 classes. */
    public VggCifarSeed() {
        int[][] blocks = {{64, 64}, {128, 128}, {256, 256, 256}, {512, 512, 512}, {512, 512, 512}};
        long in = 3;
        for (int b = 0; b < blocks.length; b++) {
            Sequential s = new Sequential();
            for (int c : blocks[b]) {
                s.add(new Conv2d(in, c, 3, 1, 1)).add(new BatchNorm2d(c)).add(new ReLU(true));
                in = c;
            }
            s.add(new MaxPool2d(2, 2, 0));
            layers[b] = register("layer" + (b + 1), s);
        }
        register("conv", new ModuleList(layers));
        fc = register("fc", new Sequential(
                new Linear(512, 512), new ReLU(true), new Dropout(0.5),
                new Linear(512, 256), new ReLU(true), new Dropout(0.5),
                new Linear(256, 10)));
    }

    /** The fixture's Python class name. */
    @Override
    public String typeName() {
        return "VGG16Seed";
    }

    /** layer1…layer5 → view(-1, 512) → fc. */
    @Override
    protected Tensor forward(Tensor x) {
        Tensor y = x;
        for (Sequential layer : layers) {
            y = layer.apply(y);
        }
        return fc.apply(y.view(-1, 512));
    }
}
