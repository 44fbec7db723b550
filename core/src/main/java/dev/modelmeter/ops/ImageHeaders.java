package dev.modelmeter.ops;

/**
 * Reads the pixel size of an encoded image from its header, for ImageDecoder's output shape when
 * the encoded bytes are known: PNG, BMP, JPEG, JPEG 2000 (JP2 box or raw codestream), PNM, TIFF and
 * WebP (VP8, VP8L, VP8X). Only headers are read; nothing is decoded.
 */
final class ImageHeaders {

    private ImageHeaders() {
    }

    /** {height, width}, or null when the format is not recognised or the header is cut short. */
    static long[] size(byte[] b) {
        try {
            if (startsWith(b, 0x89, 'P', 'N', 'G')) {
                return new long[] {be32(b, 20), be32(b, 16)};
            }
            if (startsWith(b, 'B', 'M')) {
                long header = le32(b, 14);
                if (header == 12) {
                    return new long[] {le16(b, 20), le16(b, 18)};
                }
                return new long[] {Math.abs((int) le32(b, 22)), Math.abs((int) le32(b, 18))};
            }
            if (startsWith(b, 0xFF, 0xD8)) {
                return jpeg(b);
            }
            if (startsWith(b, 0xFF, 0x4F, 0xFF, 0x51)) {
                return j2kCodestream(b, 2);
            }
            if (startsWith(b, 0, 0, 0, 0x0C, 'j', 'P')) {
                return jp2(b);
            }
            if (b.length > 2 && b[0] == 'P' && b[1] >= '1' && b[1] <= '7') {
                return pnm(b);
            }
            if (startsWith(b, 'I', 'I', 42, 0) || startsWith(b, 'M', 'M', 0, 42)) {
                return tiff(b, b[0] == 'I');
            }
            if (startsWith(b, 'R', 'I', 'F', 'F') && b.length > 30 && b[8] == 'W' && b[9] == 'E' && b[10] == 'B') {
                return webp(b);
            }
        } catch (ArrayIndexOutOfBoundsException e) {
            return null;
        }
        return null;
    }

    private static long[] jpeg(byte[] b) {
        int p = 2;
        while (p + 9 < b.length) {
            if ((b[p] & 0xFF) != 0xFF) {
                return null;
            }
            int marker = b[p + 1] & 0xFF;
            if (marker == 0xFF) {
                p++; // fill byte
                continue;
            }
            if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD9)) {
                p += 2; // markers without a length
                continue;
            }
            boolean startOfFrame = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
            if (startOfFrame) {
                return new long[] {be16(b, p + 5), be16(b, p + 7)};
            }
            p += 2 + be16(b, p + 2);
        }
        return null;
    }

    /** SIZ segment: Xsiz, Ysiz, XOsiz, YOsiz after its length and capabilities. */
    private static long[] j2kCodestream(byte[] b, int sizMarker) {
        int p = sizMarker + 2 + 2 + 2;
        long xsiz = be32(b, p);
        long ysiz = be32(b, p + 4);
        long xo = be32(b, p + 8);
        long yo = be32(b, p + 12);
        return new long[] {ysiz - yo, xsiz - xo};
    }

    private static long[] jp2(byte[] b) {
        for (int p = 0; p + 12 < b.length; p++) {
            if (b[p] == 'i' && b[p + 1] == 'h' && b[p + 2] == 'd' && b[p + 3] == 'r') {
                return new long[] {be32(b, p + 4), be32(b, p + 8)};
            }
        }
        return null;
    }

    private static long[] pnm(byte[] b) {
        long[] tokens = new long[2];
        int found = 0;
        int p = 2;
        while (found < 2 && p < b.length) {
            char c = (char) b[p];
            if (c == '#') {
                while (p < b.length && b[p] != '\n') {
                    p++;
                }
            } else if (Character.isDigit(c)) {
                long v = 0;
                while (p < b.length && Character.isDigit((char) b[p])) {
                    v = v * 10 + (b[p] - '0');
                    p++;
                }
                tokens[found++] = v;
                continue;
            }
            p++;
        }
        return found == 2 ? new long[] {tokens[1], tokens[0]} : null;
    }

    private static long[] tiff(byte[] b, boolean little) {
        int ifd = (int) (little ? le32(b, 4) : be32(b, 4));
        int entries = (int) (little ? le16(b, ifd) : be16(b, ifd));
        long width = -1;
        long height = -1;
        for (int i = 0; i < entries; i++) {
            int e = ifd + 2 + 12 * i;
            long tag = little ? le16(b, e) : be16(b, e);
            long type = little ? le16(b, e + 2) : be16(b, e + 2);
            long value = type == 3 ? (little ? le16(b, e + 8) : be16(b, e + 8)) : (little ? le32(b, e + 8) : be32(b, e + 8));
            if (tag == 256) {
                width = value;
            } else if (tag == 257) {
                height = value;
            }
        }
        return width >= 0 && height >= 0 ? new long[] {height, width} : null;
    }

    private static long[] webp(byte[] b) {
        if (startsAt(b, 12, 'V', 'P', '8', ' ')) {
            return new long[] {le16(b, 28) & 0x3FFF, le16(b, 26) & 0x3FFF};
        }
        if (startsAt(b, 12, 'V', 'P', '8', 'L')) {
            long bits = le32(b, 21);
            return new long[] {((bits >> 14) & 0x3FFF) + 1, (bits & 0x3FFF) + 1};
        }
        if (startsAt(b, 12, 'V', 'P', '8', 'X')) {
            return new long[] {le24(b, 27) + 1, le24(b, 24) + 1};
        }
        return null;
    }

    private static boolean startsWith(byte[] b, int... prefix) {
        return startsAt(b, 0, prefix);
    }

    private static boolean startsAt(byte[] b, int offset, int... prefix) {
        if (b.length < offset + prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if ((b[offset + i] & 0xFF) != (prefix[i] & 0xFF)) {
                return false;
            }
        }
        return true;
    }

    private static long be16(byte[] b, int p) {
        return ((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF);
    }

    private static long be32(byte[] b, int p) {
        return (be16(b, p) << 16) | be16(b, p + 2);
    }

    private static long le16(byte[] b, int p) {
        return (b[p] & 0xFF) | ((b[p + 1] & 0xFF) << 8);
    }

    private static long le24(byte[] b, int p) {
        return le16(b, p) | ((long) (b[p + 2] & 0xFF) << 16);
    }

    private static long le32(byte[] b, int p) {
        return le16(b, p) | (le16(b, p + 2) << 16);
    }
}
