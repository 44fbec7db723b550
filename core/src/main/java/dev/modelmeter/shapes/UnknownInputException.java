package dev.modelmeter.shapes;

/**
 * Thrown by {@link InferenceContext} when a rule needs an input whose type nothing upstream could
 * tell (an unknown operator before it). The engine then leaves the node's outputs unknown instead
 * of reporting an error: the result is partial, not wrong.
 */
public class UnknownInputException extends ShapeException {
    /**
     * An exception with this message.
     *
     * @param message names the node and the input whose type is unknown
     */
    public UnknownInputException(String message) {
        super(message);
    }
}
