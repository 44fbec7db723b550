package dev.modelmeter.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import dev.modelmeter.ModelMeterException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The protobuf wire format read as a stream, with the checks a reader of untrusted files needs: every
 * declared length is compared with the bytes that remain before anything is allocated, known fields
 * must carry the wire type the ONNX schema gives them, and nesting is bounded. Positions are file
 * offsets, so a skipped payload can be located later without having been read.
 *
 * <p>Failures surface as {@link ModelMeterException} (schema problems) or protobuf's / the stream's own
 * exceptions (truncation, I/O), which {@link OnnxReader} turns into one-line messages.
 */
final class ProtoInput {

    /** Deeper than any real model (subgraphs inside subgraphs, sequences of sequences). */
    private static final int MAX_DEPTH = 64;

    private final CodedInputStream in;
    private final long size;
    private final int floatCapElements;
    private int depth;

    /**
     * @param floatCapElements the most elements of a floating-point tensor kept as a value: a model's
     *                         float initializers are weights except for a few scalars (Resize scales,
     *                         Clip bounds, a Pow exponent), so reading a model keeps only tiny ones
     */
    ProtoInput(InputStream stream, long size, int floatCapElements) {
        // 8 KiB: after each skipped payload the stream refills its buffer; a small one reads little
        this.in = CodedInputStream.newInstance(stream, (int) Math.max(64, Math.min(size, 1 << 13)));
        this.in.setSizeLimit(Integer.MAX_VALUE);
        this.size = size;
        this.floatCapElements = floatCapElements;
    }

    /** The most elements of a floating-point tensor kept as a value. */
    int floatCapElements() {
        return floatCapElements;
    }

    /** The next tag, or 0 at the end of the current message. */
    int readTag() throws IOException {
        return in.readTag();
    }

    static int field(int tag) {
        return WireFormat.getTagFieldNumber(tag);
    }

    static int wireType(int tag) {
        return WireFormat.getTagWireType(tag);
    }

    /** Bytes consumed so far: the file offset of what comes next. */
    long position() {
        return in.getTotalBytesRead();
    }

    /** Skips a field this reader does not use. */
    void skip(int tag) throws IOException {
        if (wireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
            skipBytes(readLength());
            return;
        }
        if (!in.skipField(tag)) {
            throw new ModelMeterException("unexpected end-group tag at byte " + position());
        }
    }

    /** Fails unless {@code tag} has the wire type the schema gives field {@code what}. */
    void expect(int tag, int wireType, String what) {
        if (wireType(tag) != wireType) {
            throw new ModelMeterException("field " + what + " has wire type " + wireType(tag) + ", the schema says "
                    + wireType + " (byte " + position() + ")");
        }
    }

    /** A length prefix, checked against the bytes left in the file and in the enclosing message. */
    int readLength() throws IOException {
        long at = position();
        // all 64 bits: a 32-bit read would take 2^62 for 0 and fail later, at the wrong field
        long length = in.readRawVarint64();
        long remaining = remaining();
        if (length < 0 || length > remaining) {
            throw new ModelMeterException("declared length " + Long.toUnsignedString(length) + " at byte "
                    + at + " exceeds the " + remaining + " bytes that remain (truncated or corrupt file)");
        }
        return (int) length;
    }

    /** Bytes left before the end of the current message, or of the file at top level. */
    long remaining() {
        long inFile = size - position();
        int inMessage = in.getBytesUntilLimit();
        return inMessage < 0 ? inFile : Math.min(inFile, inMessage);
    }

    /** Enters a length-delimited sub-message; returns the token for {@link #exit}. */
    int enter() throws IOException {
        int length = readLength();
        if (++depth > MAX_DEPTH) {
            throw new ModelMeterException("messages nested more than " + MAX_DEPTH + " deep");
        }
        return in.pushLimit(length);
    }

    void exit(int token) throws IOException {
        // a message whose fields stop short of its declared length is corrupt, not silently resumed
        if (!in.isAtEnd()) {
            throw new ModelMeterException("message ends early at byte " + position());
        }
        in.popLimit(token);
        depth--;
    }

    boolean atEnd() throws IOException {
        return in.isAtEnd();
    }

    /** Names, types, metadata: no legitimate one comes near this; a bigger one is a corrupt length. */
    static final int MAX_STRING_BYTES = 16 << 20;

    String readString() throws IOException {
        int length = readLength();
        if (length > MAX_STRING_BYTES) {
            throw new ModelMeterException("a string field of " + length + " bytes at byte " + position()
                    + " exceeds the " + (MAX_STRING_BYTES >> 20) + " MiB limit for names (corrupt file)");
        }
        return new String(readBytes(length), StandardCharsets.UTF_8);
    }

    /**
     * A string attribute value, or null when it is longer than {@link #MAX_STRING_BYTES}: some custom
     * operators carry whole binaries there (compiled engines), which a cost analysis never needs.
     */
    String readStringOrSkip() throws IOException {
        int length = readLength();
        if (length > MAX_STRING_BYTES) {
            skipBytes(length);
            return null;
        }
        return new String(readBytes(length), StandardCharsets.UTF_8);
    }

    byte[] readBytes(int length) throws IOException {
        return in.readRawBytes(length);
    }

    void skipBytes(int length) throws IOException {
        in.skipRawBytes(length);
    }

    long readVarint() throws IOException {
        return in.readRawVarint64();
    }

    int readFixed32() throws IOException {
        return in.readRawLittleEndian32();
    }

    long readFixed64() throws IOException {
        return in.readRawLittleEndian64();
    }

    /** Pushes a limit of {@code length} bytes for reading a packed run; pair with {@link #popLimit}. */
    int pushLimit(int length) throws IOException {
        return in.pushLimit(length);
    }

    void popLimit(int token) {
        in.popLimit(token);
    }
}
