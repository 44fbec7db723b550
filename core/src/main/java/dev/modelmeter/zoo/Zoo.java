package dev.modelmeter.zoo;

import dev.modelmeter.ModelMeterException;
import dev.modelmeter.dsl.Module;
import dev.modelmeter.dsl.Network;
import dev.modelmeter.dsl.Tensor;
import dev.modelmeter.graph.DType;
import dev.modelmeter.graph.Model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Known architectures written in the DSL, addressed as {@code zoo:NAME}. Each builds with the input of
 * its reference fixture at batch 1 (images 1×3×224×224 float32, CIFAR 1×3×32×32, token ids 1×128 int64)
 * and matches the PyTorch model's module names and parameter count.
 */
public final class Zoo {

    /** How one zoo entry is described and built. */
    private record Entry(String description, Supplier<Module> model, Function<Network, List<Tensor>> inputs,
                         List<String> outputNames) {
    }

    private static final Map<String, Entry> ENTRIES = new LinkedHashMap<>();

    static {
        add("vgg16-cifar", "VGG16 with BatchNorm for 32x32 CIFAR-10 inputs (the vgg16_seed fixture), 15.1M params",
                VggCifarSeed::new, Zoo::cifar, "output");
        add("vgg16", "torchvision VGG16, 224x224 ImageNet, 138.4M params", () -> new Vgg(false, 1000), Zoo::image,
                "output");
        add("vgg16-bn", "torchvision VGG16 with BatchNorm, 224x224 ImageNet, 138.4M params",
                () -> new Vgg(true, 1000), Zoo::image, "output");
        add("resnet18", "torchvision ResNet-18, 224x224 ImageNet, 11.7M params", ResNet::resnet18, Zoo::image,
                "output");
        add("resnet50", "torchvision ResNet-50 (v1.5), 224x224 ImageNet, 25.6M params", ResNet::resnet50,
                Zoo::image, "output");
        add("mobilenet-v2", "torchvision MobileNetV2, 224x224 ImageNet, 3.5M params", () -> new MobileNetV2(1000),
                Zoo::image, "output");
        add("mobilenet-v3-small", "torchvision MobileNetV3 small, 224x224 ImageNet, 2.5M params",
                () -> new MobileNetV3Small(1000), Zoo::image, "output");
        add("squeezenet-1.1", "torchvision SqueezeNet 1.1, 224x224 ImageNet, 1.2M params", () -> new SqueezeNet(1000),
                Zoo::image, "output");
        add("alexnet", "torchvision AlexNet, 224x224 ImageNet, 61.1M params", () -> new AlexNet(1000), Zoo::image,
                "output");
        add("bert-base", "Hugging Face BertModel, bert-base-uncased sizes, input_ids + attention_mask 1x128, 109.5M"
                + " params", Bert::base, Zoo::bertInputs, "last_hidden_state", "pooler_output");
        add("gpt2", "Hugging Face GPT2LMHeadModel, GPT-2 small, input_ids 1x128, tied LM head, 124.4M params",
                Gpt2::small, net -> List.of(net.input("input_ids", DType.INT64, 1, 128)), "logits");
    }

    private Zoo() {
    }

    private static void add(String name, String description, Supplier<Module> model,
                            Function<Network, List<Tensor>> inputs, String... outputs) {
        ENTRIES.put(name, new Entry(description, model, inputs, List.of(outputs)));
    }

    private static List<Tensor> image(Network net) {
        return List.of(net.input("input", DType.FLOAT, 1, 3, 224, 224));
    }

    private static List<Tensor> cifar(Network net) {
        return List.of(net.input("input", DType.FLOAT, 1, 3, 32, 32));
    }

    private static List<Tensor> bertInputs(Network net) {
        return List.of(net.input("input_ids", DType.INT64, 1, 128), net.input("attention_mask", DType.INT64, 1, 128));
    }

    /**
     * The names of the zoo models, in a fixed order.
     *
     * @return the names
     */
    public static List<String> names() {
        return List.copyOf(ENTRIES.keySet());
    }

    /**
     * A one-line description of a zoo model.
     *
     * @param name a zoo name, with or without the zoo: prefix
     * @return the description
     */
    public static String description(String name) {
        return entry(name).description();
    }

    /**
     * The eval-mode model {@code name}.
     *
     * @param name a zoo name, with or without the zoo: prefix
     * @return the model
     */
    public static Model build(String name) {
        return network(name, false).build();
    }

    /**
     * The network of model {@code name}, built (its {@link Network#calls()} and
     * {@link Network#initializerRoles()} filled), in eval or train mode.
     *
     * @param name a zoo name, with or without the zoo: prefix
     * @param training true for the train-mode graph
     * @return the network
     */
    public static Network network(String name, boolean training) {
        String key = key(name);
        Entry e = entry(key);
        Network net = new Network(key).training(training);
        List<Tensor> inputs = e.inputs().apply(net);
        Module root = net.root(e.model().get());
        List<Tensor> outputs = root.applyAll(inputs);
        for (int i = 0; i < e.outputNames().size(); i++) {
            net.output(e.outputNames().get(i), outputs.get(i));
        }
        net.build();
        return net;
    }

    private static String key(String name) {
        return name.startsWith("zoo:") ? name.substring(4) : name;
    }

    private static Entry entry(String name) {
        Entry e = ENTRIES.get(key(name));
        if (e == null) {
            throw new ModelMeterException("no zoo model '" + name + "'; known: " + String.join(", ", ENTRIES.keySet()));
        }
        return e;
    }
}
