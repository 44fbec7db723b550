package dev.modelmeter.analysis;

import dev.modelmeter.analysis.memory.TrainingSetup;
import dev.modelmeter.graph.DType;
import dev.modelmeter.graph.InitializerRole;

import java.util.Map;
import java.util.TreeMap;

/**
 * What the model file stores its parameters as, and whether training the graph as stored means
 * anything. The precision a plan runs in is the user's policy ({@link TrainingSetup.Precision}); this is
 * the file's side of it, for the header and for the decision that a quantized graph gets inference
 * figures only (docs/MEMORY.md, "Precision").
 *
 * @param parameterBytes bytes of the stored parameters by element type, as stored
 * @param notTrainable   why training the graph as stored is not meaningful ("the graph is quantized (…)"),
 *                       or null when it is
 */
public record StoredPrecision(Map<DType, Long> parameterBytes, String notTrainable) {

    /**
     * Copies the map.
     *
     * @param parameterBytes bytes of the stored parameters by element type
     * @param notTrainable   why training is not meaningful, or null
     */
    public StoredPrecision {
        parameterBytes = Map.copyOf(parameterBytes);
    }

    /**
     * The stored precision of the parameters {@code roles} found.
     *
     * @param roles the stored tensors with their roles
     * @return the stored precision
     */
    public static StoredPrecision of(WeightRoles.Assignment roles) {
        Map<DType, Long> bytes = new TreeMap<>();
        long integerParams = 0;
        for (WeightRoles.Weight w : roles.weights()) {
            if (w.role() == InitializerRole.PARAMETER) {
                bytes.merge(w.tensor().dtype(), w.tensor().bytes(), Long::sum);
                if (!w.tensor().dtype().isFloatingPoint()) {
                    integerParams += w.tensor().numel();
                }
            }
        }
        String reason = null;
        if (integerParams > 0) {
            reason = "the graph is quantized (" + String.format(java.util.Locale.ROOT, "%,d", integerParams)
                    + " parameter elements are stored as " + integerTypes(bytes) + ", which takes no gradient)";
        }
        return new StoredPrecision(bytes, reason);
    }

    /**
     * Whether training the graph as stored is meaningful.
     *
     * @return true unless the graph is quantized
     */
    public boolean trainable() {
        return notTrainable == null;
    }

    /**
     * The stored parameter types, largest share first, e.g. {@code float16} or {@code uint8 + float32}.
     *
     * @return the label, or {@code none} for a model without parameters
     */
    public String label() {
        if (parameterBytes.isEmpty()) {
            return "none";
        }
        return String.join(" + ", parameterBytes.entrySet().stream()
                .sorted(Map.Entry.<DType, Long>comparingByValue().reversed())
                .map(e -> e.getKey().displayName()).toList());
    }

    /**
     * The whole-model precision that runs the file as stored: {@code FP16} for float16 parameters,
     * {@code BF16} for bfloat16 ones, otherwise {@code FP32} (float32, quantized or mixed files).
     *
     * @return the policy
     */
    public TrainingSetup.Precision asStored() {
        DType largest = parameterBytes.entrySet().stream()
                .filter(e -> e.getKey().isFloatingPoint())
                .max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(DType.FLOAT);
        boolean onlyThat = parameterBytes.keySet().stream().filter(DType::isFloatingPoint).count() == 1;
        if (onlyThat && largest == DType.FLOAT16) {
            return TrainingSetup.Precision.FP16;
        }
        if (onlyThat && largest == DType.BFLOAT16) {
            return TrainingSetup.Precision.BF16;
        }
        return TrainingSetup.Precision.FP32;
    }

    /**
     * Whether some floating parameters are stored in a narrower type than float32 (so an fp32 or
     * autocast plan upcasts them).
     *
     * @return whether float16, bfloat16 or float8 parameters are stored
     */
    public boolean lowPrecisionFloats() {
        return parameterBytes.keySet().stream().anyMatch(t -> t.isFloatingPoint() && t.bits() < 32);
    }

    private static String integerTypes(Map<DType, Long> bytes) {
        return String.join(", ", bytes.keySet().stream().filter(t -> !t.isFloatingPoint())
                .map(DType::displayName).toList());
    }
}
