package dev.uploadkit.servlet.internal;

import dev.uploadkit.servlet.internal.ParsedPart.ChunkedInputStream;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.IntSupplier;

import static dev.uploadkit.servlet.internal.ParsedPart.BOUNDARY;
import static dev.uploadkit.servlet.internal.ParsedPart.ascii;
import static dev.uploadkit.servlet.internal.ParsedPart.concat;
import static dev.uploadkit.servlet.internal.ParsedPart.parseAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * However the input is cut into reads, and however the parts are read, the parser returns the same parts with
 * exactly their bytes: delimiters (and their look-alikes) split across reads and across buffer refills.
 */
class MultipartParserSplitTest {
    private static final String D = "--" + BOUNDARY;
    private static final String BCHARS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'()+_,-./:=? ";

    @Test
    void everySplitPointOfABodyGivesTheSameParts() throws IOException {
        String content = "\r\n--" + BOUNDARY.substring(0, 20) + "x\r\r\n-" + D + "\r\n--" + BOUNDARY.toUpperCase()
                + "\r";
        byte[] body = ascii("preamble\r\n" + D + "  \r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n"
                + D + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"f.bin\"\r\n\r\n" + content
                + "\r\n" + D + "\r\nContent-Disposition: form-data; name=\"empty\"\r\n\r\n\r\n" + D + "--\r\nepilogue");
        List<ParsedPart> expected = parseAll(body);
        assertEquals(3, expected.size());
        assertEquals(content, expected.get(1).text());

        for (int n = 1; n <= 8; n++) {
            for (int split = 0; split <= body.length; split++) {
                int[] reads = {0};
                int first = split;
                int rest = n;
                IntSupplier sizes = () -> reads[0]++ == 0 && first > 0 ? first : rest;
                assertEquals(expected, parseAll(new ChunkedInputStream(body, sizes), BOUNDARY, () -> rest),
                        "first read " + split + " bytes, then " + n);
            }
        }
    }

    @Test
    void aDelimiterAcrossTheEndOfTheBufferIsFoundAtEveryOffset() throws IOException {
        delimiterAcrossTheEndOfTheBuffer(MultipartParser.BUFFER_SIZE, -1);
    }

    @Test
    void aDelimiterAcrossTheEndOfTheSmallestBufferIsFoundAtEveryOffset() throws IOException {
        // A body longer than its announced length is read through the smallest buffer all the same.
        delimiterAcrossTheEndOfTheBuffer(MultipartParser.MIN_BUFFER_SIZE, 0);
    }

    private static void delimiterAcrossTheEndOfTheBuffer(int bufferSize, long expectedLength) throws IOException {
        String head = D + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"f\"\r\n\r\n";
        int around = bufferSize - head.length();
        Random random = new Random(7);
        for (int length = around - 100; length <= around + 100; length++) {
            byte[] content = new byte[length];
            random.nextBytes(content);
            byte[] body = concat(ascii(head), content, ascii("\r\n" + D + "\r\nContent-Disposition: form-data; "
                    + "name=\"after\"\r\n\r\nyes\r\n" + D + "--"));
            List<ParsedPart> parts = parseAll(new ByteArrayInputStream(body), BOUNDARY, () -> Integer.MAX_VALUE,
                    expectedLength);
            assertEquals(2, parts.size(), "content of " + length + " bytes");
            assertTrue(Arrays.equals(content, parts.get(0).content()), "content of " + length + " bytes");
            assertEquals("yes", parts.get(1).text());
        }
    }

    @Test
    void randomBodiesCutAtRandomSurviveExactly() throws IOException {
        for (int iteration = 0; iteration < 400; iteration++) {
            long seed = 0x5EED_0000L + iteration;
            Random random = new Random(seed);
            String boundary = randomBoundary(random);
            List<byte[]> contents = new ArrayList<>();
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            byte[] delimiter = ascii("\r\n--" + boundary);
            if (random.nextBoolean()) {
                body.writeBytes(withoutDelimiter(random, boundary, delimiter, 200, true));
            }
            int parts = 1 + random.nextInt(4);
            for (int p = 0; p < parts; p++) {
                int maxLength = random.nextInt(4) == 0 ? 150_000 : 3_000;
                byte[] content = withoutDelimiter(random, boundary, delimiter, maxLength, false);
                contents.add(content);
                body.writeBytes(ascii((p == 0 && body.size() == 0 ? "" : "\r\n") + "--" + boundary
                        + " ".repeat(random.nextInt(3)) + "\r\nContent-Disposition: form-data; name=\"p" + p
                        + "\"; filename=\"f" + p + ".bin\"\r\n\r\n"));
                body.writeBytes(content);
            }
            body.writeBytes(ascii("\r\n--" + boundary + "--"));
            if (random.nextBoolean()) {
                byte[] epilogue = new byte[random.nextInt(300)];
                random.nextBytes(epilogue);
                body.writeBytes(epilogue);
            }

            int sourceMax = new int[] {1, 7, 100, 5_000, 70_000}[random.nextInt(5)];
            int readerMax = new int[] {1, 13, 4_096, 70_000}[random.nextInt(4)];
            // The announced length sizes the buffer: unknown (64 KiB), exact, or wrong either way.
            long expectedLength = new long[] {-1, body.size(), random.nextInt(body.size() + 1),
                body.size() + random.nextInt(100_000)}[random.nextInt(4)];
            List<ParsedPart> parsed = parseAll(
                    new ChunkedInputStream(body.toByteArray(), () -> 1 + random.nextInt(sourceMax)),
                    boundary, () -> 1 + random.nextInt(readerMax), expectedLength);

            assertEquals(parts, parsed.size(), "seed " + seed);
            for (int p = 0; p < parts; p++) {
                assertEquals(new PartHeaders("p" + p, "f" + p + ".bin", null), parsed.get(p).headers(), "seed " + seed);
                assertTrue(Arrays.equals(contents.get(p), parsed.get(p).content()),
                        "seed " + seed + ", part " + p);
            }
        }
    }

    private static String randomBoundary(Random random) {
        StringBuilder b = new StringBuilder();
        int length = random.nextInt(4) == 0 ? 1 + random.nextInt(3) : 1 + random.nextInt(70);
        for (int i = 0; i < length; i++) {
            b.append(BCHARS.charAt(random.nextInt(BCHARS.length() - (i == length - 1 ? 1 : 0))));
        }
        return b.toString();
    }

    /**
     * Random bytes mixed with pieces of the delimiter (prefixes, the boundary without CRLF, lone CRs), redrawn
     * until no real delimiter occurs in them or across their end; a preamble must not open with one either.
     */
    private static byte[] withoutDelimiter(Random random, String boundary, byte[] delimiter, int maxLength,
                                           boolean preamble) {
        while (true) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int length = random.nextInt(maxLength + 1);
            while (out.size() < length) {
                switch (random.nextInt(6)) {
                    case 0 -> out.writeBytes(
                            ascii("\r\n--" + boundary.substring(0, random.nextInt(boundary.length()))));
                    case 1 -> out.writeBytes(ascii("--" + boundary));
                    case 2 -> out.writeBytes(ascii(random.nextBoolean() ? "\r" : "\r\n"));
                    default -> {
                        byte[] noise = new byte[random.nextInt(2_000)];
                        random.nextBytes(noise);
                        out.writeBytes(noise);
                    }
                }
            }
            byte[] candidate = out.toByteArray();
            byte[] framed = concat(ascii("\r\n"), candidate, delimiter);
            if (indexOf(framed, delimiter, preamble ? 0 : 2) == framed.length - delimiter.length) {
                return candidate;
            }
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = from; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
