package dev.uploadkit.servlet.internal;

import dev.uploadkit.servlet.internal.MultipartParser.LimitExceededException;
import dev.uploadkit.servlet.internal.MultipartParser.MalformedException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static dev.uploadkit.servlet.internal.ParsedPart.BOUNDARY;
import static dev.uploadkit.servlet.internal.ParsedPart.ascii;
import static dev.uploadkit.servlet.internal.ParsedPart.concat;
import static dev.uploadkit.servlet.internal.ParsedPart.parseAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Conformance of {@link MultipartParser} to RFC 7578 / RFC 2046 on whole bodies. */
class MultipartParserTest {
    private static final String D = "--" + BOUNDARY;

    private static String field(String name, String value) {
        return D + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n";
    }

    private static PartHeaders headersOf(String disposition) throws IOException {
        return parseAll(ascii(D + "\r\nContent-Disposition: " + disposition + "\r\n\r\nx\r\n" + D + "--"))
                .get(0).headers();
    }

    @Test
    void fieldsAndAFileComeOutInOrderWithTheirHeaders() throws IOException {
        byte[] body = ascii(field("folder", "docs") + D + "\r\nContent-Disposition: form-data; name=\"file\"; "
                + "filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nhello\r\nworld\r\n" + field("x", "y")
                + D + "--\r\n");

        List<ParsedPart> parts = parseAll(body);

        assertEquals(3, parts.size());
        assertEquals(new PartHeaders("folder", null, null), parts.get(0).headers());
        assertEquals("docs", parts.get(0).text());
        assertEquals(new PartHeaders("file", "a.txt", "text/plain"), parts.get(1).headers());
        assertEquals("hello\r\nworld", parts.get(1).text());
        assertEquals("y", parts.get(2).text());
    }

    @Test
    void preambleEpilogueAndTransportPaddingAreIgnored() throws IOException {
        byte[] body = ascii("This is the preamble.\r\n--not-it\r\n" + D + " \t \r\n"
                + "Content-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n" + D + "\t\r\n"
                + "Content-Disposition: form-data; name=\"b\"\r\n\r\n2\r\n" + D + "--  \r\nThe epilogue\r\n" + D
                + "\r\ngarbage");

        List<ParsedPart> parts = parseAll(body);

        assertEquals(List.of("a", "b"), parts.stream().map(p -> p.headers().name()).toList());
        assertEquals(List.of("1", "2"), parts.stream().map(ParsedPart::text).toList());
    }

    @Test
    void aDelimiterNeedsACrlfBeforeItUnlessItOpensTheBody() throws IOException {
        byte[] body = ascii("junk" + D + "\r\n\r\nnot a part\r\n" + field("real", "v") + D + "--");
        List<ParsedPart> parts = parseAll(body);
        assertEquals(1, parts.size());
        assertEquals("real", parts.get(0).headers().name());
    }

    @Test
    void boundaryLikeBytesInsideTheFilePassThroughUnchanged() throws IOException {
        String b = BOUNDARY;
        String tricky = "\r\n--" + b.substring(0, b.length() - 1) + "x" + D + "x\n" + D + "x\r" + D + "x\r\n--"
                + b.toUpperCase() + "\r\r\n--" + b.substring(0, 5) + "\r\n\r\n\r\r\n\r\n--\r";
        byte[] body = ascii(D + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"t.bin\"\r\n\r\n"
                + tricky + "\r\n" + D + "--\r\n");

        assertEquals(tricky, parseAll(body).get(0).text());
    }

    @Test
    void emptyFileAndEmptyFieldHaveNoBytes() throws IOException {
        byte[] body = ascii(D + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"empty.bin\"\r\n\r\n\r\n"
                + field("note", "") + D + "--");
        List<ParsedPart> parts = parseAll(body);
        assertEquals(2, parts.size());
        assertEquals(0, parts.get(0).content().length);
        assertEquals("empty.bin", parts.get(0).headers().filename());
        assertEquals(0, parts.get(1).content().length);
    }

    @Test
    void manyFieldsAreAllRead() throws IOException {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < 2000; i++) {
            body.append(field("f" + i, "value " + i));
        }
        List<ParsedPart> parts = parseAll(ascii(body + D + "--"));
        assertEquals(2000, parts.size());
        assertEquals("f1999", parts.get(1999).headers().name());
        assertEquals("value 1999", parts.get(1999).text());
    }

    @Test
    void aPartWithoutHeadersHasNoName() throws IOException {
        List<ParsedPart> parts = parseAll(ascii(D + "\r\n\r\nanonymous\r\n" + D + "--"));
        assertEquals(new PartHeaders(null, null, null), parts.get(0).headers());
        assertEquals("anonymous", parts.get(0).text());
    }

    @Test
    void unreadPartsAreSkippedAndSingleByteReadsWork() throws IOException {
        byte[] body = ascii(field("skipped", "x".repeat(200_000)) + field("read", "abc") + D + "--");
        MultipartParser parser = new MultipartParser(new ByteArrayInputStream(body), BOUNDARY, 8192, Long.MAX_VALUE);
        MultipartParser.Part first = parser.next();
        assertEquals('x', first.body().read());
        MultipartParser.Part second = parser.next();
        assertEquals(-1, first.body().read(), "a skipped part is over");
        InputStream in = second.body();
        assertEquals(1, in.skip(1));
        assertEquals('b', in.read());
        assertEquals('c', in.read());
        assertEquals(-1, in.read());
        assertNull(parser.next());
        assertNull(parser.next());
    }

    @Test
    void quotedUnquotedAndEscapedParameters() throws IOException {
        assertEquals(new PartHeaders("file", "a;b \"c\".txt", null),
                headersOf("form-data; name=\"file\"; filename=\"a;b \\\"c\\\".txt\""));
        assertEquals(new PartHeaders("file", "plain.txt", null), headersOf("form-data; name=file; filename=plain.txt"));
        assertEquals(new PartHeaders("f", "x.txt", null), headersOf("FORM-DATA; NAME=\"f\"; FileName = \"x.txt\" "));
        assertEquals("back\\slash", headersOf("form-data; name=f; filename=\"back\\\\slash\"").filename());
        assertEquals("C:\\dir\\x.pdf", headersOf("form-data; name=f; filename=\"C:\\dir\\x.pdf\"").filename(),
                "unescaped Windows paths are kept for the filename check to refuse");
        assertEquals("", headersOf("form-data; name=f; filename=\"\"").filename());
        assertEquals("", headersOf("form-data; name=f; filename").filename());
        assertEquals(new PartHeaders(null, null, null), headersOf("attachment; name=\"f\"; filename=\"a\""));
    }

    @Test
    void rfc5987FilenameTakesPrecedence() throws IOException {
        assertEquals("naïve ✓.pdf",
                headersOf("form-data; name=f; filename=\"na_ve _.pdf\"; filename*=UTF-8''na%C3%AFve%20%E2%9C%93.pdf")
                        .filename());
        assertEquals("naïve.txt", headersOf("form-data; name=f; filename*=utf-8'en'na%C3%AFve.txt; filename=x")
                .filename());
        assertEquals("café", headersOf("form-data; name=f; filename*=ISO-8859-1''caf%E9").filename());
        assertEquals("fallback.txt", headersOf("form-data; name=f; filename*=UTF-8''bad%G1; filename=fallback.txt")
                .filename());
        assertEquals("fallback.txt", headersOf("form-data; name=f; filename*=KOI8-R''x; filename=fallback.txt")
                .filename());
    }

    @Test
    void headersAreUtf8CaseInsensitiveAndMayBeFolded() throws IOException {
        byte[] body = ascii(D + "\r\ncontent-TYPE:image/png\r\nX-Other: 1\r\nContent-Disposition: form-data;\r\n"
                + " name=\"photo\";\r\n\tfilename=\"отчёт ✓.png\"\r\nnot a header line\r\n\r\nPNG\r\n" + D + "--");
        assertEquals(new PartHeaders("photo", "отчёт ✓.png", "image/png"), parseAll(body).get(0).headers());
    }

    @Test
    void theBoundaryComesFromTheContentType() {
        assertEquals(Optional.of("abc"), MultipartParser.boundary("multipart/form-data; boundary=abc"));
        assertEquals(Optional.of("a b:c"), MultipartParser.boundary("multipart/form-data; BOUNDARY=\"a b:c\"; x=y"));
        assertEquals(Optional.of("***123***"), MultipartParser.boundary("multipart/form-data;boundary=***123***"));
        assertEquals(Optional.of("b".repeat(70)),
                MultipartParser.boundary("multipart/form-data; boundary=" + "b".repeat(70)));
        assertEquals(Optional.empty(), MultipartParser.boundary("multipart/form-data"));
        assertEquals(Optional.empty(), MultipartParser.boundary("multipart/form-data; charset=utf-8"));
        assertEquals(Optional.empty(), MultipartParser.boundary("multipart/form-data; boundary="));
        assertEquals(Optional.empty(), MultipartParser.boundary("multipart/form-data; boundary=\"\""));
        assertEquals(Optional.empty(), MultipartParser.boundary("multipart/form-data; boundary=" + "b".repeat(71)));
        assertEquals(Optional.empty(), MultipartParser.boundary("multipart/form-data; boundary=\"ends \""));
        assertEquals(Optional.empty(), MultipartParser.boundary("multipart/form-data; boundary=\"a\u0000b\""));
        assertEquals(Optional.empty(), MultipartParser.boundary("multipart/form-data; boundary=ünï"));
        assertEquals(Optional.empty(), MultipartParser.boundary(null));
        assertThrows(IllegalArgumentException.class,
                () -> new MultipartParser(InputStream.nullInputStream(), "", 8192, 100));
    }

    @Test
    void aBodyWithoutItsCloseDelimiterIsMalformed() {
        String part = D + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\"\r\n\r\ncontent";
        for (String body : List.of(part, part + "\r\n", part + "\r\n" + D, part + "\r\n" + D + "-", "", "no delimiter",
                D, D + "\r\n", D + "\r\nContent-Disposition: form-data; name=\"x\"\r\n")) {
            assertThrows(MalformedException.class, () -> parseAll(ascii(body)), body);
        }
    }

    @Test
    void bytesAfterADelimiterOtherThanPaddingAndCrlfAreMalformed() {
        for (String after : List.of("x\r\n", " x\r\n", "\n", "\r", "-x")) {
            byte[] body = ascii(field("a", "1") + D + after + "Content-Disposition: form-data; name=\"b\"\r\n\r\n2\r\n"
                    + D + "--");
            assertThrows(MalformedException.class, () -> parseAll(body), after);
        }
    }

    @Test
    void partHeadersOverTheLimitAreRefused() throws IOException {
        String head = D + "\r\nContent-Disposition: form-data; name=\"f\"; filename=\"";
        int fixed = "Content-Disposition: form-data; name=\"f\"; filename=\"".length() + "\"\r\n\r\n".length();
        String atLimit = head + "n".repeat(100 - fixed) + "\"\r\n\r\nx\r\n" + D + "--";
        assertEquals(1, parse(ascii(atLimit), 100, Long.MAX_VALUE).size());

        String overLimit = head + "n".repeat(101 - fixed) + "\"\r\n\r\nx\r\n" + D + "--";
        LimitExceededException e = assertThrows(LimitExceededException.class,
                () -> parse(ascii(overLimit), 100, Long.MAX_VALUE));
        assertEquals(LimitExceededException.Limit.PART_HEADERS, e.limit());
        assertEquals(100, e.permitted());

        String neverEnding = D + "\r\nContent-Disposition: form-data; name=\"f\"\r\n" + "X-Pad: y\r\n".repeat(1000);
        assertEquals(LimitExceededException.Limit.PART_HEADERS, assertThrows(LimitExceededException.class,
                () -> parse(ascii(neverEnding), 8192, Long.MAX_VALUE)).limit());
    }

    @Test
    void theBodySizeLimitCountsEveryByteRead() throws IOException {
        byte[] body = concat(ascii(field("a", "x".repeat(100_000))), ascii(D + "--"));
        assertEquals(1, parse(body, 8192, body.length).size());
        LimitExceededException e = assertThrows(LimitExceededException.class, () -> parse(body, 8192, body.length - 1));
        assertEquals(LimitExceededException.Limit.BODY, e.limit());
        assertEquals(body.length - 1, e.permitted());
    }

    @Test
    void aClosedPartRefusesReadsButIsStillSkipped() throws IOException {
        byte[] body = ascii(field("a", "12345") + field("b", "6") + D + "--");
        MultipartParser parser = new MultipartParser(new ByteArrayInputStream(body), BOUNDARY, 8192, Long.MAX_VALUE);
        InputStream a = parser.next().body();
        a.close();
        assertThrows(IOException.class, a::read);
        assertArrayEquals(ascii("6"), parser.next().body().readAllBytes());
    }

    @Test
    void theCrScanFindsEveryPosition() {
        byte[] bytes = new byte[40];
        for (int at = 0; at < bytes.length; at++) {
            bytes[at] = '\r';
            for (int from = 0; from <= at; from++) {
                assertEquals(at, MultipartParser.indexOfCr(bytes, from, bytes.length));
                assertEquals(-1, MultipartParser.indexOfCr(bytes, from, at));
            }
            bytes[at] = (byte) (at % 2 == 0 ? 0x8D : 0x0C);
        }
    }

    @Test
    void theFilesLengthIsGuessedFromTheContentLengthAsIfItWereTheLastPart() throws IOException {
        String file = D + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.bin\"\r\n\r\n";
        String content = "0123456789\r\n--not-the-boundary\r\n".repeat(5000);
        String end = "\r\n" + D + "--\r\n";

        assertEquals(content.length(), guess(file + content + end, "file", true));
        assertEquals(content.length(), guess(field("folder", "docs") + file + content + end, "file", true));
        assertEquals(content.length(), guess("preamble\r\n" + file + content + end, "file", true));
        // Guesses that are wrong, by what follows the file or by the ending.
        String after = field("folder", "docs");
        assertEquals(content.length() + after.length(), guess(file + content + "\r\n" + after + D + "--\r\n",
                "file", true));
        assertEquals(content.length() - 2, guess(file + content + "\r\n" + D + "--", "file", true));
        assertEquals(content.length() + 10, guess(file + content + end + "epilogue\r\n", "file", true));
        // Without a Content-Length there is nothing to guess from.
        assertEquals(-1, guess(file + content + end, "file", false));
    }

    /** Parses {@code body} and returns the guess made when the part named {@code name} began. */
    private static long guess(String form, String name, boolean lengthKnown) throws IOException {
        byte[] body = ascii(form);
        MultipartParser parser = new MultipartParser(new ByteArrayInputStream(body), BOUNDARY, 8192, Long.MAX_VALUE,
                lengthKnown ? body.length : -1);
        long guess = Long.MIN_VALUE;
        for (MultipartParser.Part part; (part = parser.next()) != null; ) {
            if (name.equals(part.headers().name())) {
                guess = parser.contentLengthIfLast();
            }
        }
        return guess;
    }

    private static List<ParsedPart> parse(byte[] body, int maxHeaderSize, long maxBodySize) throws IOException {
        MultipartParser parser = new MultipartParser(new ByteArrayInputStream(body), BOUNDARY, maxHeaderSize,
                maxBodySize);
        List<ParsedPart> parts = new ArrayList<>();
        MultipartParser.Part part;
        while ((part = parser.next()) != null) {
            parts.add(new ParsedPart(part.headers(), part.body().readAllBytes()));
        }
        return parts;
    }
}
