package dev.modelmeter.analysis.memory;

/**
 * Element strides of views, enough to tell when PyTorch's {@code reshape} can return a view and when it
 * must copy (a transposed or split tensor folded into a batch). The algorithm is ATen's
 * {@code computeStride} ({@code aten/src/ATen/TensorUtils.cpp}).
 */
final class Strides {

    private Strides() {
    }

    /** Row-major strides of a contiguous tensor. */
    static long[] contiguous(long[] shape) {
        long[] st = new long[shape.length];
        long s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            st[i] = s;
            s *= Math.max(shape[i], 1);
        }
        return st;
    }

    /** Strides of {@code permute(perm)}. */
    static long[] permute(long[] strides, long[] perm) {
        long[] out = new long[perm.length];
        for (int i = 0; i < perm.length; i++) {
            out[i] = strides[(int) perm[i]];
        }
        return out;
    }

    /** Strides of {@code expand(newShape)}: broadcast dimensions get stride 0. */
    static long[] expand(long[] shape, long[] strides, long[] newShape) {
        long[] out = new long[newShape.length];
        int offset = newShape.length - shape.length;
        for (int i = 0; i < newShape.length; i++) {
            int j = i - offset;
            out[i] = j < 0 || (shape[j] == 1 && newShape[i] != 1) ? 0 : strides[j];
        }
        return out;
    }

    /**
     * The strides a view of {@code newShape} would have over a tensor of {@code oldShape}/{@code oldStrides},
     * or null when no view exists and reshape copies.
     */
    static long[] view(long[] oldShape, long[] oldStrides, long[] newShape) {
        long numel = 1;
        for (long d : oldShape) {
            numel *= d;
        }
        long[] newStrides = new long[newShape.length];
        if (numel == 0 || oldShape.length == 0) {
            return contiguous(newShape);
        }
        int viewD = newShape.length - 1;
        long chunkBaseStride = oldStrides[oldStrides.length - 1];
        long tensorNumel = 1;
        long viewNumel = 1;
        for (int tensorD = oldShape.length - 1; tensorD >= 0; tensorD--) {
            tensorNumel *= oldShape[tensorD];
            if (tensorD == 0 || (oldShape[tensorD - 1] != 1
                    && oldStrides[tensorD - 1] != tensorNumel * chunkBaseStride)) {
                while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] == 1)) {
                    newStrides[viewD] = viewNumel * chunkBaseStride;
                    viewNumel *= newShape[viewD];
                    viewD--;
                }
                if (viewNumel != tensorNumel) {
                    return null;
                }
                if (tensorD > 0) {
                    chunkBaseStride = oldStrides[tensorD - 1];
                    tensorNumel = 1;
                    viewNumel = 1;
                }
            }
        }
        return viewD == -1 ? newStrides : null;
    }

    static boolean isContiguous(long[] shape, long[] strides) {
        long expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && strides[i] != expected) {
                return false;
            }
            expected *= shape[i];
        }
        return true;
    }
}
