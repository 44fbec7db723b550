package dev.modelmeter.onnx;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A file as an input stream whose {@link #skip} only moves a position: no system call, no byte read.
 * Each read is one positional read ({@code pread}) at that position. Skipping a weight payload thus
 * costs nothing until the reader needs the bytes after it — one read instead of a seek and a read.
 */
final class PositionalFileStream extends InputStream {

    private final FileChannel channel;
    private final long size;
    private long position;

    PositionalFileStream(Path path) throws IOException {
        this.channel = FileChannel.open(path, StandardOpenOption.READ);
        this.size = channel.size();
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (position >= size) {
            return -1;
        }
        int n = channel.read(ByteBuffer.wrap(b, off, len), position);
        if (n > 0) {
            position += n;
        }
        return n;
    }

    @Override
    public long skip(long n) {
        long skipped = Math.max(0, Math.min(n, size - position));
        position += skipped;
        return skipped;
    }

    @Override
    public int available() {
        return (int) Math.min(Integer.MAX_VALUE, size - position);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
