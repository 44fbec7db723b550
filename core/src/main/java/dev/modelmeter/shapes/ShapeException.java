package dev.modelmeter.shapes;

import dev.modelmeter.ModelMeterException;

/** A shape rule found its inputs impossible (incompatible broadcast, bad axis, wrong rank). */
public class ShapeException extends ModelMeterException {
    public ShapeException(String message) {
        super(message);
    }

    public ShapeException(String message, Throwable cause) {
        super(message, cause);
    }
}
