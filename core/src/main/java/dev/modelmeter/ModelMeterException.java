package dev.modelmeter;

/**
 * The one error type the library throws for bad input: a file that is not ONNX, truncated or corrupt,
 * a graph with a cycle, shapes that cannot be. Its message is one line meant for the user; the CLI
 * prints it with the file name and exits with status 1.
 */
public class ModelMeterException extends RuntimeException {
    /**
     * An error with a one-line message for the user.
     *
     * @param message what is wrong, and where
     */
    public ModelMeterException(String message) {
        super(message);
    }

    /**
     * An error with a one-line message for the user and the failure behind it.
     *
     * @param message what is wrong, and where
     * @param cause   the underlying failure
     */
    public ModelMeterException(String message, Throwable cause) {
        super(message, cause);
    }
}
