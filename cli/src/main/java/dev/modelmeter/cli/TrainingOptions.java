package dev.modelmeter.cli;

import dev.modelmeter.analysis.memory.TrainingSetup;
import dev.modelmeter.ops.AutogradContext;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

import java.util.Locale;

/** Training options shared by {@code memory} and {@code fit}. */
final class TrainingOptions {

    @Option(names = "--optimizer", paramLabel = "OPT", defaultValue = "adamw", converter = OptimizerConverter.class,
            description = "sgd, sgd-momentum, adam, adamw, adagrad or rmsprop (default: ${DEFAULT-VALUE})")
    TrainingSetup.Optimizer optimizer;

    @Option(names = "--precision", paramLabel = "P", defaultValue = "fp32", converter = PrecisionConverter.class,
            description = "fp32, bf16-mixed, fp16-mixed (autocast) or bf16 (pure) (default: ${DEFAULT-VALUE})")
    TrainingSetup.Precision precision;

    @Option(names = "--freeze", paramLabel = "REGEX", description = "freeze parameters whose names match (no gradients, no optimizer state)")
    String freeze;

    @Option(names = "--checkpoint", paramLabel = "REGEX", description = "gradient-checkpoint modules whose paths match")
    String checkpoint;

    @Option(names = "--backend", paramLabel = "B", defaultValue = "cuda", converter = BackendConverter.class,
            description = "cuda or cpu: whose kernels decide what is saved (default: ${DEFAULT-VALUE})")
    AutogradContext.Backend backend;

    @Option(names = "--attention", paramLabel = "A", defaultValue = "fused", converter = AttentionConverter.class,
            description = "fused (scaled_dot_product_attention, PyTorch's default) or math (default: ${DEFAULT-VALUE})")
    TrainingSetup.AttentionMode attention;

    TrainingSetup setup(int batch) {
        return TrainingSetup.defaults(batch).withOptimizer(optimizer).withPrecision(precision).withFreeze(freeze)
                .withCheckpoint(checkpoint).withBackend(backend).withAttention(attention);
    }

    /** {@code sgd-momentum} → {@code SGD_MOMENTUM}. */
    static String constant(String text) {
        return text.trim().replace('-', '_').toUpperCase(Locale.ROOT);
    }

    static final class OptimizerConverter implements ITypeConverter<TrainingSetup.Optimizer> {
        public TrainingSetup.Optimizer convert(String v) {
            return TrainingSetup.Optimizer.valueOf(constant(v));
        }
    }

    static final class PrecisionConverter implements ITypeConverter<TrainingSetup.Precision> {
        public TrainingSetup.Precision convert(String v) {
            return TrainingSetup.Precision.valueOf(constant(v));
        }
    }

    static final class BackendConverter implements ITypeConverter<AutogradContext.Backend> {
        public AutogradContext.Backend convert(String v) {
            return AutogradContext.Backend.valueOf(constant(v));
        }
    }

    static final class AttentionConverter implements ITypeConverter<TrainingSetup.AttentionMode> {
        public TrainingSetup.AttentionMode convert(String v) {
            return TrainingSetup.AttentionMode.valueOf(constant(v));
        }
    }
}
