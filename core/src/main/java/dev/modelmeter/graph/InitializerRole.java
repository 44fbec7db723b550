package dev.modelmeter.graph;

/**
 * What a stored tensor is to PyTorch: a trainable parameter, a buffer (BatchNorm running statistics),
 * or a constant the exporter wrote for arithmetic (shape tensors, scalars such as a Pow exponent).
 */
public enum InitializerRole {
    /** A trainable weight: counted in params, gets a gradient and optimizer state. */
    PARAMETER,
    /** Saved with the model but not trained (running mean/variance): counted apart from params. */
    BUFFER,
    /** A value the exporter wrote for arithmetic: counted neither as a parameter nor as a buffer. */
    CONSTANT
}
