package dev.modelmeter.cli;

/** Bad usage found after parsing (a malformed --input, say): exit status 2. */
final class UsageException extends RuntimeException {
    UsageException(String message) {
        super(message);
    }
}
