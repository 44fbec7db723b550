package dev.modelmeter.graph;

import dev.modelmeter.ModelMeterException;

/**
 * A count (elements, bytes, MACs, a memory sum) that a 64-bit integer cannot hold: the file claims
 * sizes no real tensor has. It is the documented error, not an internal one: one line, exit status 1.
 */
public class CountOverflowException extends ModelMeterException {

    /**
     * An overflow with a one-line message.
     *
     * @param message what overflowed
     */
    public CountOverflowException(String message) {
        super(message);
    }

    /**
     * This overflow's message prefixed with where it happened, for example {@code tensor 'y'}.
     *
     * @param where what overflowed
     * @return a new exception, this one as its cause
     */
    public CountOverflowException at(String where) {
        CountOverflowException e = new CountOverflowException(where + ": " + getMessage());
        e.initCause(this);
        return e;
    }
}
