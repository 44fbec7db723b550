package dev.modelmeter.dsl;

import dev.modelmeter.ModelMeterException;
import dev.modelmeter.graph.DType;
import dev.modelmeter.graph.InitializerRole;

import java.util.List;

/**
 * A stored tensor a module owns, as torch's {@code nn.Parameter} (role {@link InitializerRole#PARAMETER})
 * or a registered buffer ({@link InitializerRole#BUFFER}, e.g. BatchNorm's running statistics). Only its
 * element type and dims exist: the DSL never holds weight values. The same object registered by two
 * modules is one tensor (tied weights) and becomes one initializer, named after the first module that
 * registers it, in torch's {@code named_parameters()} order.
 *
 * @param dtype element type
 * @param dims  sizes, in PyTorch's layout (a Linear weight is {@code [out, in]})
 * @param role  parameter or buffer
 */
public record Parameter(DType dtype, List<Long> dims, InitializerRole role) {

    /**
     * Copies the dims and checks that the role is one a module can own.
     *
     * @param dtype element type
     * @param dims  sizes
     * @param role  parameter or buffer
     */
    public Parameter {
        dims = List.copyOf(dims);
        if (role == InitializerRole.CONSTANT) {
            throw new ModelMeterException("a module owns parameters and buffers, not constants");
        }
        for (long d : dims) {
            if (d <= 0) {
                throw new ModelMeterException("parameter sizes must be positive, got " + dims);
            }
        }
    }

    /**
     * A float32 trainable parameter with the given dims.
     *
     * @param dims the sizes
     * @return the parameter
     */
    public static Parameter of(long... dims) {
        return new Parameter(DType.FLOAT, boxed(dims), InitializerRole.PARAMETER);
    }

    /**
     * A buffer of the given element type and dims.
     *
     * @param dtype the element type
     * @param dims the sizes
     * @return the new buffer
     */
    public static Parameter buffer(DType dtype, long... dims) {
        return new Parameter(dtype, boxed(dims), InitializerRole.BUFFER);
    }

    /**
     * Number of elements.
     *
     * @return the number of elements
     */
    public long numel() {
        long n = 1;
        for (long d : dims) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    private static List<Long> boxed(long[] dims) {
        return java.util.Arrays.stream(dims).boxed().toList();
    }
}
