package dev.modelmeter.shapes;

import dev.modelmeter.ModelMeterException;

/** A shape rule found its inputs impossible (incompatible broadcast, bad axis, wrong rank). */
public class ShapeException extends ModelMeterException {
    /**
     * An error with this message.
     *
     * @param message what was impossible, naming the node
     */
    public ShapeException(String message) {
        super(message);
    }

    /**
     * An error with this message and its cause.
     *
     * @param message what was impossible, naming the node
     * @param cause   the underlying failure
     */
    public ShapeException(String message, Throwable cause) {
        super(message, cause);
    }
}
