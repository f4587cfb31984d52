package dev.uploadkit.core.testing;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Small images of every format whose header Uploadkit reads, written by ImageIO or byte by byte. */
public final class TestImages {
    private TestImages() {
    }

    /** An image ImageIO writes: {@code png}, {@code jpeg}, {@code gif}, {@code bmp} or {@code tiff}. */
    public static byte[] written(String format, int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalArgumentException("ImageIO cannot write " + format);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A JPEG whose EXIF says to show it turned by {@code orientation} (6 = 90° clockwise). */
    public static byte[] jpegWithOrientation(int width, int height, int orientation) {
        byte[] jpeg = written("jpeg", width, height);
        ByteBuffer tiff = ByteBuffer.allocate(26).order(ByteOrder.LITTLE_ENDIAN);
        tiff.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(8);
        tiff.putShort((short) 1);
        tiff.putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) orientation).putShort((short) 0);
        tiff.putInt(0);
        byte[] exif = concat("Exif\0\0".getBytes(StandardCharsets.ISO_8859_1), tiff.array());
        int length = exif.length + 2;
        byte[] app1 = concat(new byte[] {(byte) 0xFF, (byte) 0xE1, (byte) (length >> 8), (byte) length}, exif);
        byte[] out = new byte[jpeg.length + app1.length];
        out[0] = jpeg[0];
        out[1] = jpeg[1];
        System.arraycopy(app1, 0, out, 2, app1.length);
        System.arraycopy(jpeg, 2, out, 2 + app1.length, jpeg.length - 2);
        return out;
    }

    /** An extended-format WebP header (VP8X) giving the canvas size, as WebP files with alpha or EXIF carry. */
    public static byte[] webp(int width, int height) {
        ByteBuffer b = ByteBuffer.allocate(30).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(22).put("WEBP".getBytes(StandardCharsets.US_ASCII));
        b.put("VP8X".getBytes(StandardCharsets.US_ASCII)).putInt(10).putInt(0);
        put24(b, width - 1);
        put24(b, height - 1);
        return b.array();
    }

    /** An ISO-BMFF image header ({@code ftyp} of {@code brand}, {@code meta} with an {@code ispe} property). */
    public static byte[] heif(String brand, int width, int height) {
        byte[] ftyp = box("ftyp", concat(ascii(brand), new byte[4], ascii("mif1"), ascii(brand), ascii("miaf")));
        byte[] hdlr = box("hdlr", concat(new byte[4], new byte[4], ascii("pict"), new byte[12], new byte[1]));
        byte[] ispe = box("ispe", concat(new byte[4], int32(width), int32(height)));
        byte[] iprp = box("iprp", box("ipco", ispe));
        byte[] meta = box("meta", concat(new byte[4], hdlr, iprp));
        return concat(ftyp, meta);
    }

    private static byte[] box(String type, byte[] payload) {
        return concat(int32(8 + payload.length), ascii(type), payload);
    }

    private static byte[] int32(int v) {
        return ByteBuffer.allocate(4).putInt(v).array();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static void put24(ByteBuffer b, int v) {
        b.put((byte) v).put((byte) (v >> 8)).put((byte) (v >> 16));
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
