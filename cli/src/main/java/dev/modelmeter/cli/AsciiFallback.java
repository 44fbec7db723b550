package dev.modelmeter.cli;

import java.io.FilterWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetEncoder;

/**
 * Output for a terminal whose charset cannot encode what the reports print (a C or POSIX locale):
 * the sparkline's blocks, ÷, …, ×, ≥ and the like become ASCII look-alikes instead of {@code ?}.
 */
final class AsciiFallback extends FilterWriter {

    private final CharsetEncoder encoder;

    private AsciiFallback(Writer out, Charset charset) {
        super(out);
        this.encoder = charset.newEncoder();
    }

    /** A writer in the platform's charset, transliterating what that charset cannot encode. */
    static PrintWriter writer(OutputStream stream) {
        return writer(stream, Charset.defaultCharset());
    }

    /** A writer in the given charset, transliterating what it cannot encode. */
    static PrintWriter writer(OutputStream stream, Charset cs) {
        Writer w = new OutputStreamWriter(stream, cs);
        return new PrintWriter(cs.newEncoder().canEncode("▁█÷…×≥−–—²³⁶⁹·▾") ? w : new AsciiFallback(w, cs), true);
    }

    /** The ASCII look-alike of a character, or the character itself. */
    static String ascii(char c) {
        return switch (c) {
            case '▁' -> "_";
            case '▂' -> ".";
            case '▃' -> ":";
            case '▄' -> "-";
            case '▅' -> "=";
            case '▆' -> "+";
            case '▇' -> "*";
            case '█' -> "#";
            case '÷' -> "/";
            case '…' -> "...";
            case '×' -> "x";
            case '≥' -> ">=";
            case '≤' -> "<=";
            case '−', '–' -> "-";
            case '—' -> "--";
            case '²' -> "^2";
            case '³' -> "^3";
            case '⁶' -> "^6";
            case '⁹' -> "^9";
            case '·' -> ".";
            case '▾' -> "v";
            default -> c < 128 ? String.valueOf(c) : "?";
        };
    }

    @Override
    public void write(int c) throws IOException {
        write(new char[] {(char) c}, 0, 1);
    }

    @Override
    public void write(char[] cbuf, int off, int len) throws IOException {
        StringBuilder sb = new StringBuilder(len);
        for (int i = off; i < off + len; i++) {
            char c = cbuf[i];
            sb.append(c < 128 || encoder.canEncode(c) ? String.valueOf(c) : ascii(c));
        }
        out.write(sb.toString());
    }

    @Override
    public void write(String str, int off, int len) throws IOException {
        write(str.toCharArray(), off, len);
    }
}
