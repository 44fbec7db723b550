package dev.modelmeter;

/**
 * The one error type the library throws for bad input: a file that is not ONNX, truncated or corrupt,
 * a graph with a cycle, shapes that cannot be. Its message is one line meant for the user; the CLI
 * prints it with the file name and exits with status 1.
 */
public class ModelMeterException extends RuntimeException {
    public ModelMeterException(String message) {
        super(message);
    }

    public ModelMeterException(String message, Throwable cause) {
        super(message, cause);
    }
}
