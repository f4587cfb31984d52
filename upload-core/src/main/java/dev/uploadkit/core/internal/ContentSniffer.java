package dev.uploadkit.core.internal;

import dev.uploadkit.core.ContentInfo;
import org.apache.tika.Tika;
import org.apache.tika.detect.DefaultDetector;
import org.apache.tika.detect.TextDetector;
import org.apache.tika.io.TikaInputStream;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.mime.MediaType;
import org.apache.tika.mime.MimeTypes;
import org.apache.tika.parser.ParseContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * Learns a file's type, and an image's pixel size, from its first bytes. Never looks at a client-sent type;
 * the filename only refines a type the bytes leave open (text formats have no magic bytes). Image sizes come
 * from the header alone ({@link ImageHeaders}); when Tika leaves the type open but the header is an image's,
 * the header's type is taken.
 *
 * <p>Bytes that match none of Tika's magic clauses cost Tika the most (it evaluates them all); a
 * {@link MagicScreen} finds that out ten times faster, and Tika is then asked for the answer it would give, from
 * the name alone or a stand-in of the same text verdict. The answer is always Tika's own.
 */
public final class ContentSniffer {
    /** How many leading bytes are examined. */
    public static final int HEAD_SIZE = 64 * 1024;
    private static final String UNKNOWN = "application/octet-stream";

    /** Whether {@link Detector} has been made (in this class loader). */
    private static volatile boolean loaded;

    /** Tika, made on first use (a holder class), so that starting a server does not pay for it. */
    private static final class Detector {
        static final Tika TIKA = new Tika();
        /** Tika's text checks: the one {@code MimeTypes} runs when no magic matches, and {@code DefaultDetector}'s. */
        static final TextDetector[] TEXT_CHECKS = {
            new TextDetector(MimeTypes.getDefaultMimeTypes().getMinLength()), new TextDetector()};
        static final Optional<MagicScreen> SCREEN = MagicScreen.ofDefaultTypes()
                .filter(screen -> TIKA.getDetector() instanceof DefaultDetector only
                        && only.getDetectors().isEmpty());
        /**
         * For each verdict of {@link #TEXT_CHECKS} but 0 (see {@link #verdict}; verdict 0 is answered from the name),
         * bytes that match no magic clause and get that verdict, or null. Tika's answer for bytes that match no magic
         * depends on those verdicts and the name alone, so it is the answer for the stand-in, which Tika finds at once.
         */
        static final byte[][] STAND_INS = new byte[4][];

        static {
            // Text in the first 512 bytes only, and text overall but not in the first 512 bytes.
            byte[] text = new byte[1024];
            Arrays.fill(text, (byte) 'x');
            byte[] zeros = new byte[16];
            byte[][] candidates = {{'x'}, join(Arrays.copyOf(text, 512), zeros), join(zeros, text)};
            for (byte[] candidate : candidates) {
                int verdict = verdict(candidate);
                if (verdict != 0 && SCREEN.isPresent() && !SCREEN.get().anyMatches(candidate)) {
                    STAND_INS[verdict] = candidate;
                }
            }
            loaded = true;
        }
    }

    private static byte[] join(byte[] first, byte[] second) {
        byte[] joined = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, joined, first.length, second.length);
        return joined;
    }

    /** Which of Tika's two text checks take the bytes for text, as two bits. */
    private static int verdict(byte[] bytes) {
        int verdict = 0;
        for (int i = 0; i < Detector.TEXT_CHECKS.length; i++) {
            try (TikaInputStream in = TikaInputStream.get(bytes)) {
                MediaType type = Detector.TEXT_CHECKS[i].detect(in, new Metadata(), new ParseContext());
                verdict |= MediaType.TEXT_PLAIN.equals(type) ? 1 << i : 0;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return verdict;
    }

    /** Returns whether types are found through the quick screen for bytes that match no magic. */
    static boolean screened() {
        return Detector.SCREEN.isPresent() && Arrays.stream(Detector.STAND_INS, 1, 4).allMatch(Objects::nonNull);
    }

    /** Returns Tika's type for the bytes and name; quickly, by the name or a stand-in, if no magic matches them. */
    static String detect(byte[] prefix, String filename) {
        if (prefix.length > 0 && Detector.SCREEN.isPresent() && !Detector.SCREEN.get().anyMatches(prefix)) {
            int verdict = verdict(prefix);
            if (verdict == 0) {
                // Neither magic nor text: Tika's answer is the name's type, which it finds from the name alone
                // (without copying 64 KiB of a stand-in first).
                return Detector.TIKA.detect(filename);
            }
            byte[] standIn = Detector.STAND_INS[verdict];
            if (standIn != null) {
                return Detector.TIKA.detect(standIn, filename);
            }
        }
        return Detector.TIKA.detect(prefix, filename);
    }

    /**
     * Makes the detector now rather than on the first upload (about 0.35 s of CPU: Tika's type registry, each magic
     * clause's parsed form, and the {@link MagicScreen} over them, ~0.06 s of it). A detection running meanwhile
     * waits for it; calling it again costs one detection.
     */
    public static void prepare() {
        Detector.TIKA.detect(new byte[] {0});
    }

    /** Returns whether the detector has been made, by {@link #prepare()} or a first detection. */
    public static boolean prepared() {
        return loaded;
    }

    /** Returns the type and, for images whose header is within {@code head}, their size. */
    public ContentInfo sniff(byte[] head, int length, String filename) {
        byte[] prefix = length == head.length ? head : Arrays.copyOf(head, length);
        String mime = detect(prefix, filename);
        if (!mime.startsWith("image/") && !mime.equals(UNKNOWN)) {
            return new ContentInfo(mime, null);
        }
        Optional<ImageHeaders.Found> found = ImageHeaders.read(prefix, length);
        if (mime.equals(UNKNOWN) && found.isPresent()) {
            mime = found.get().mime();
        }
        return new ContentInfo(mime, found.map(ImageHeaders.Found::image).orElse(null));
    }
}
