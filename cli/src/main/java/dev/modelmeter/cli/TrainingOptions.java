package dev.modelmeter.cli;

import dev.modelmeter.analysis.memory.TrainingSetup;
import dev.modelmeter.ops.AutogradContext;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.Option;

import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Training options shared by {@code memory} and {@code fit}. */
final class TrainingOptions {

    @Option(names = "--optimizer", paramLabel = "OPT", defaultValue = "adamw", converter = OptimizerConverter.class,
            description = "sgd, sgd-momentum, adam, adamw, adagrad or rmsprop (default: ${DEFAULT-VALUE})")
    TrainingSetup.Optimizer optimizer;

    @Option(names = "--precision", paramLabel = "P", defaultValue = "fp32", converter = PrecisionConverter.class,
            description = "fp32, bf16-mixed, fp16-mixed (autocast: fp32 master weights and state), bf16 or fp16 (pure: the whole model in that type); applies to any stored precision (default: ${DEFAULT-VALUE})")
    TrainingSetup.Precision precision;

    @Option(names = "--freeze", paramLabel = "REGEX", description = "freeze parameters whose name, or a leading part of it, the regex matches whole:"
                    + " layer1 freezes layer1.*, .*\\.bias every bias (no gradients, no optimizer state)")
    String freeze;

    @Option(names = "--checkpoint", paramLabel = "REGEX", description = "gradient-checkpoint the modules whose path the regex matches whole (layer[1-3], encoder\\.layer\\.[0-9]+)")
    String checkpoint;

    @Option(names = "--backend", paramLabel = "B", defaultValue = "cuda", converter = BackendConverter.class,
            description = "cuda or cpu: whose kernels decide what is saved (default: ${DEFAULT-VALUE})")
    AutogradContext.Backend backend;

    @Option(names = "--attention", paramLabel = "A", defaultValue = "fused", converter = AttentionConverter.class,
            description = "fused (scaled_dot_product_attention, PyTorch's default) or math (default: ${DEFAULT-VALUE})")
    TrainingSetup.AttentionMode attention;

    TrainingSetup setup(int batch) {
        for (String[] regex : new String[][] {{"--freeze", freeze}, {"--checkpoint", checkpoint}}) {
            if (regex[1] != null) {
                try {
                    Pattern.compile(regex[1]);
                } catch (PatternSyntaxException e) {
                    throw new UsageException(regex[0] + " '" + regex[1] + "' is not a regular expression: "
                            + e.getDescription());
                }
            }
        }
        return TrainingSetup.defaults(batch).withOptimizer(optimizer).withPrecision(precision).withFreeze(freeze)
                .withCheckpoint(checkpoint).withBackend(backend).withAttention(attention);
    }

    /** {@code sgd-momentum} → {@code SGD_MOMENTUM}; an unknown word lists the known ones. */
    static <E extends Enum<E>> E constant(Class<E> type, String text) {
        try {
            return Enum.valueOf(type, text.trim().replace('-', '_').toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException("'" + text + "' is not one of " + java.util.Arrays.stream(type.getEnumConstants())
                    .map(c -> c.name().toLowerCase(Locale.ROOT).replace('_', '-')).toList());
        }
    }

    static final class OptimizerConverter implements ITypeConverter<TrainingSetup.Optimizer> {
        public TrainingSetup.Optimizer convert(String v) {
            return constant(TrainingSetup.Optimizer.class, v);
        }
    }

    static final class PrecisionConverter implements ITypeConverter<TrainingSetup.Precision> {
        public TrainingSetup.Precision convert(String v) {
            return constant(TrainingSetup.Precision.class, v);
        }
    }

    static final class BackendConverter implements ITypeConverter<AutogradContext.Backend> {
        public AutogradContext.Backend convert(String v) {
            return constant(AutogradContext.Backend.class, v);
        }
    }

    static final class AttentionConverter implements ITypeConverter<TrainingSetup.AttentionMode> {
        public TrainingSetup.AttentionMode convert(String v) {
            return constant(TrainingSetup.AttentionMode.class, v);
        }
    }
}
