package dev.modelmeter.graph;

/**
 * What a stored tensor is to PyTorch: a trainable parameter, a buffer (BatchNorm running statistics),
 * or a constant the exporter wrote for arithmetic (shape tensors, scalars such as a Pow exponent).
 */
public enum InitializerRole {
    PARAMETER, BUFFER, CONSTANT
}
