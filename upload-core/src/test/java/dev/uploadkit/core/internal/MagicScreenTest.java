package dev.uploadkit.core.internal;

import dev.uploadkit.core.testing.TestContent;
import dev.uploadkit.core.testing.TestImages;
import org.apache.tika.Tika;
import org.apache.tika.detect.MagicDetector;
import org.apache.tika.mime.MediaType;
import org.apache.tika.mime.MimeType;
import org.apache.tika.mime.MimeTypeException;
import org.apache.tika.mime.MimeTypes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The screen must answer exactly as Tika's own clauses do, and a type found through it must be Tika's. Inputs are
 * built from Tika's clauses themselves (each magic's patterns placed at the start and the end of their offset
 * ranges, in upper case where case is ignored, over binary and over text filler), so most of them match.
 */
class MagicScreenTest {
    private static final Tika TIKA = new Tika();
    private static final String[] NAMES = {null, "a.bin", "notes.txt", "table.csv", "page.html", "README"};
    private static MagicScreen screen;
    private static List<Object> magics;
    private static Method eval;
    private static List<byte[]> inputs;

    @BeforeAll
    static void readTikasMagics() throws Exception {
        screen = MagicScreen.ofDefaultTypes().orElseThrow();
        Field field = MimeTypes.class.getDeclaredField("magics");
        field.setAccessible(true);
        magics = List.copyOf((List<?>) field.get(MimeTypes.getDefaultMimeTypes()));
        eval = Class.forName("org.apache.tika.mime.Magic").getMethod("eval", byte[].class);
        eval.setAccessible(true);
        inputs = madeToMatch();
    }

    @Test
    void holdsEveryMagicOfTikasAndTheSnifferUsesIt() {
        assertEquals(magics.size(), screen.size());
        assertTrue(ContentSniffer.screened(), "the sniffer finds types through the screen and its stand-ins");
    }

    @Test
    void everyMagicAnswersAsTikasOwn() throws Exception {
        int matching = 0;
        for (byte[] input : inputs) {
            boolean any = false;
            for (int i = 0; i < magics.size(); i++) {
                Object magic = magics.get(i);
                boolean expected = (Boolean) eval.invoke(magic, (Object) input);
                assertEquals(expected, screen.matches(i, input), () -> magic + " on " + hex(input));
                any |= expected;
            }
            assertEquals(any, screen.anyMatches(input));
            matching += any ? 1 : 0;
        }
        assertTrue(matching > inputs.size() / 2, matching + " of " + inputs.size() + " inputs match some magic");
    }

    @Test
    void everyTypeIsTikasOwn() {
        List<byte[]> all = new ArrayList<>(inputs);
        all.addAll(contentOfEveryTextVerdict());
        for (String format : new String[] {"png", "jpeg", "gif", "bmp", "tiff"}) {
            all.add(TestImages.written(format, 9, 7));
        }
        for (byte[] input : all) {
            for (String name : NAMES) {
                assertEquals(TIKA.detect(input, name), ContentSniffer.detect(input, name),
                        () -> name + ": " + hex(input));
            }
        }
    }

    @Test
    void forBinaryBytesEveryKnownNameGivesTikasType() throws MimeTypeException {
        MimeTypes types = MimeTypes.getDefaultMimeTypes();
        byte[] binary = TestContent.random(7, 4096);
        byte[] text = "plain words\n".repeat(40).getBytes(StandardCharsets.US_ASCII);
        int names = 0;
        for (MediaType type : types.getMediaTypeRegistry().getTypes()) {
            MimeType mime = types.forName(type.toString());
            for (String extension : mime.getExtensions()) {
                for (String name : List.of("a" + extension, "http://host/a" + extension)) {
                    assertEquals(TIKA.detect(binary, name), ContentSniffer.detect(binary, name), name);
                    assertEquals(TIKA.detect(text, name), ContentSniffer.detect(text, name), name);
                    names++;
                }
            }
        }
        assertTrue(names > 1000, names + " names");
    }

    @Test
    void knowsTheFirstCharacterOnlyOfAnExpressionThatOpensWithOne() {
        assertArrayEquals(new int[] {'\n', '\r'}, firsts("[\r\n]%AI5_FileFormat [1-4][\r\n]"));
        assertArrayEquals(new int[] {0xFF}, firsts("\\xFF[\\xE3\\xF2-\\xF7]"));
        assertArrayEquals(new int[] {0xFF}, firsts("(?s)\\xFF[\\xF0\\xF1].{2}.{100,2000}\\xFF"));
        assertArrayEquals(new int[] {'A', 'a'}, firsts(Pattern.compile("[a]b", Pattern.CASE_INSENSITIVE)));
        for (String open : new String[] {"\\xFF?a", "[ab]*c", "[ab]{0,2}c", "[ab]|c", "a[bc]", "(?i)[a]", "[a-c&&b]",
                "[[a]b]", "BZh[1-9]", "\\x{FF}a"}) {
            assertNull(firsts(open), open);
        }
    }

    private static int[] firsts(String regex) {
        return firsts(Pattern.compile(regex));
    }

    private static int[] firsts(Pattern pattern) {
        try {
            Class<?> regexMatch = Class.forName(MagicScreen.class.getName() + "$RegexMatch");
            Method firsts = regexMatch.getDeclaredMethod("firstCharacters", Pattern.class);
            firsts.setAccessible(true);
            return (int[]) firsts.invoke(null, pattern);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    /** Bytes of each of Tika's two text verdicts and lengths about its 512-byte text check. */
    private static List<byte[]> contentOfEveryTextVerdict() {
        List<byte[]> content = new ArrayList<>();
        Random random = new Random(11);
        for (int length : new int[] {1, 2, 100, 511, 512, 513, 600, 1024, 5000, 70_000}) {
            for (int zeros : new int[] {0, 1, 8, 11, 12, 40, length}) {
                byte[] bytes = new byte[length];
                for (int i = 0; i < length; i++) {
                    bytes[i] = (byte) ('a' + random.nextInt(26));
                }
                for (int i = 0; i < Math.min(zeros, length); i++) {
                    bytes[random.nextInt(Math.min(length, 520))] = 0;
                }
                content.add(bytes);
            }
            content.add(TestContent.random(length, length));
            content.add("é".repeat(length).getBytes(StandardCharsets.UTF_8));
        }
        return content;
    }

    private static List<byte[]> madeToMatch() throws ReflectiveOperationException {
        Set<byte[]> made = new LinkedHashSet<>();
        Random random = new Random(5);
        for (Object magic : magics) {
            List<MagicDetector> leaves = new ArrayList<>();
            leaves(read(magic, "clause"), leaves);
            for (boolean atEnd : new boolean[] {false, true}) {
                for (boolean textFiller : new boolean[] {false, true}) {
                    made.add(placed(leaves, atEnd, textFiller, random));
                }
            }
        }
        // Tika's regular expressions, matched at the edges of their ranges and at the very end of the bytes.
        String[] samples = {"\r%AI5_FileFormat 3\n", "\u00ff\u00fb\u0090d",
            "\u00ff\u00f1" + "x".repeat(150) + "\u00ff\u00f1",
            "BZh9", "P6\n", "JAVA PROFILE 1.0.2\u0000", "FCS3.0    ", "function foo =", "<HTML>", "<h2>", "digraph",
            "X-Mailer", "0\r\nSECTION\r\n  2\r\nHEADER\r\n", "\n%PDF-1.", "\u0000\u0000\u00ff\u00fb"};
        for (String sample : samples) {
            byte[] bytes = sample.getBytes(StandardCharsets.ISO_8859_1);
            for (int at : new int[] {0, 1, 12, 511, 512, 513, 700, 4000, 8180}) {
                for (int after : new int[] {0, 16}) {
                    byte[] input = TestContent.random(at + after, at + bytes.length + after);
                    System.arraycopy(bytes, 0, input, at, bytes.length);
                    made.add(input);
                }
            }
        }
        return new ArrayList<>(made);
    }

    /** The leaves a match needs: all of an and, the first of an or, the first {@code min} of a min-should-match. */
    private static void leaves(Object clause, List<MagicDetector> into) throws ReflectiveOperationException {
        switch (clause.getClass().getSimpleName()) {
            case "AndClause" -> {
                for (Object child : (Object[]) read(clause, "clauses")) {
                    leaves(child, into);
                }
            }
            case "OrClause" -> leaves(((List<?>) read(clause, "clauses")).get(0), into);
            case "MinShouldMatchClause" -> {
                List<?> children = (List<?>) read(clause, "clauses");
                for (int i = 0; i < (Integer) read(clause, "min"); i++) {
                    leaves(children.get(i), into);
                }
            }
            case "MagicMatch" -> {
                Method detector = clause.getClass().getDeclaredMethod("getDetector");
                detector.setAccessible(true);
                into.add((MagicDetector) detector.invoke(clause));
            }
            default -> throw new AssertionError("unknown clause " + clause.getClass());
        }
    }

    private static byte[] placed(List<MagicDetector> leaves, boolean atEnd, boolean textFiller, Random random)
            throws ReflectiveOperationException {
        int size = 16;
        for (MagicDetector leaf : leaves) {
            int at = (Integer) read(leaf, atEnd ? "offsetRangeEnd" : "offsetRangeBegin");
            size = Math.max(size, at + ((byte[]) read(leaf, "pattern")).length + 16);
        }
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = textFiller ? (byte) " etaoinshrdlu\n".charAt(random.nextInt(14)) : (byte) random.nextInt(256);
        }
        for (MagicDetector leaf : leaves) {
            if ((Boolean) read(leaf, "isRegex")) {
                continue;
            }
            int at = (Integer) read(leaf, atEnd ? "offsetRangeEnd" : "offsetRangeBegin");
            byte[] pattern = (byte[]) read(leaf, "pattern");
            byte[] mask = (byte[]) read(leaf, "mask");
            boolean ignoreCase = (Boolean) read(leaf, "isStringIgnoreCase");
            for (int j = 0; j < pattern.length; j++) {
                byte b = (byte) (pattern[j] | (bytes[at + j] & ~mask[j]));
                bytes[at + j] = ignoreCase ? (byte) Character.toUpperCase(b & 0xFF) : b;
            }
        }
        return bytes;
    }

    private static Object read(Object owner, String name) throws ReflectiveOperationException {
        Field field = owner.getClass().getDeclaredField(name);
        field.setAccessible(true);
        return field.get(owner);
    }

    private static String hex(byte[] bytes) {
        return bytes.length + " bytes " + HexFormat.of().formatHex(Arrays.copyOf(bytes, Math.min(64, bytes.length)));
    }
}
