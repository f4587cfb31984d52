package dev.uploadkit.bench;

import dev.uploadkit.servlet.internal.MultipartParser;
import org.apache.commons.fileupload2.core.DiskFileItem;
import org.apache.commons.fileupload2.core.DiskFileItemFactory;
import org.apache.commons.fileupload2.core.FileItemInput;
import org.apache.commons.fileupload2.core.FileItemInputIterator;
import org.apache.commons.fileupload2.core.RequestContext;
import org.apache.commons.fileupload2.jakarta.servlet6.JakartaServletFileUpload;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * Parses one generated multipart body (a form field, then a file of the given size) from a stream, in one
 * run: first a plain read of the same bytes (what the generator itself costs), then commons-fileupload2's
 * streaming API configured as {@code MultipartUpload} used it, then {@link MultipartParser}. The file part is
 * read in 256 KiB blocks, as core's read-ahead reads it. Each is run with random file bytes and with
 * CRLF-separated text whose lines sometimes start like a delimiter; prints MB/s (MiB/s) per round.
 *
 * <pre>java -cp bench/target/uploadkit-bench.jar dev.uploadkit.bench.MultipartParserBenchmark [MiB] [rounds]</pre>
 */
public final class MultipartParserBenchmark {
    private static final String BOUNDARY = "------------------------d74496d66958873e";
    private static final int READ_SIZE = 256 * 1024;

    private MultipartParserBenchmark() {
    }

    private interface Reader {
        /** Returns the number of bytes in the file part. */
        long fileBytes(InputStream body, long length) throws IOException;
    }

    public static void main(String[] args) throws IOException {
        long mib = args.length > 0 ? Long.parseLong(args[0]) : 1024;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        long fileSize = mib * 1024 * 1024;
        System.out.printf("file part %d MiB, %d rounds, %d cores%n", mib, rounds,
                Runtime.getRuntime().availableProcessors());
        for (boolean text : new boolean[] {false, true}) {
            byte[] block = text ? textBlock() : randomBlock();
            for (int round = 1; round <= rounds; round++) {
                measure(text, round, "plain read", block, fileSize, MultipartParserBenchmark::plainRead);
                measure(text, round, "fileupload2", block, fileSize, MultipartParserBenchmark::fileupload);
                measure(text, round, "MultipartParser", block, fileSize, MultipartParserBenchmark::uploadkit);
            }
        }
    }

    private static void measure(boolean text, int round, String name, byte[] block, long fileSize, Reader reader)
            throws IOException {
        GeneratedBody body = new GeneratedBody(block, fileSize);
        long start = System.nanoTime();
        long read = reader.fileBytes(body, body.length());
        double seconds = (System.nanoTime() - start) / 1e9;
        if (name.equals("plain read") ? read != body.length() : read != fileSize) {
            throw new IllegalStateException(name + " read " + read + " bytes");
        }
        System.out.printf("%-6s round %d  %-16s %8.1f MB/s (MiB/s)%n", text ? "text" : "random", round, name,
                body.length() / 1048576.0 / seconds);
    }

    private static long plainRead(InputStream body, long length) throws IOException {
        return drain(body);
    }

    private static long fileupload(InputStream body, long length) throws IOException {
        JakartaServletFileUpload<DiskFileItem, DiskFileItemFactory> upload = new JakartaServletFileUpload<>();
        upload.setMaxSize(Long.MAX_VALUE);
        upload.setMaxFileSize(-1);
        upload.setMaxPartHeaderSize(65536);
        upload.setHeaderCharset(StandardCharsets.UTF_8);
        FileItemInputIterator items = upload.getItemIterator(new RequestContext() {
            @Override
            public String getCharacterEncoding() {
                return null;
            }

            @Override
            public long getContentLength() {
                return length;
            }

            @Override
            public String getContentType() {
                return "multipart/form-data; boundary=" + BOUNDARY;
            }

            @Override
            public InputStream getInputStream() {
                return body;
            }

            @Override
            public boolean isMultipartRelated() {
                return false;
            }
        });
        long file = -1;
        while (items.hasNext()) {
            FileItemInput item = items.next();
            long n = drain(item.getInputStream());
            if (item.getFieldName().equals("file")) {
                file = n;
            }
        }
        return file;
    }

    private static long uploadkit(InputStream body, long length) throws IOException {
        MultipartParser parser = new MultipartParser(body, BOUNDARY, 65536, Long.MAX_VALUE);
        long file = -1;
        MultipartParser.Part part;
        while ((part = parser.next()) != null) {
            long n = drain(part.body());
            if ("file".equals(part.headers().name())) {
                file = n;
            }
        }
        return file;
    }

    private static long drain(InputStream in) throws IOException {
        byte[] buffer = new byte[READ_SIZE];
        long total = 0;
        int n;
        while ((n = in.read(buffer, 0, buffer.length)) >= 0) {
            total += n;
        }
        return total;
    }

    private static byte[] randomBlock() {
        byte[] block = new byte[1 << 20];
        new Random(42).nextBytes(block);
        return block;
    }

    /** CSV-like lines; every 50th starts with {@code --} and most of the boundary. */
    private static byte[] textBlock() {
        StringBuilder text = new StringBuilder();
        Random random = new Random(42);
        for (int line = 0; text.length() < (1 << 20); line++) {
            if (line % 50 == 0) {
                text.append("--").append(BOUNDARY, 0, BOUNDARY.length() - 1).append("x\r\n");
            } else {
                text.append(line).append(",2026-11-30T08:00:00Z,").append(random.nextInt(1_000_000))
                        .append(",\"a quoted, text field\"\r\n");
            }
        }
        return text.substring(0, 1 << 20).getBytes(StandardCharsets.US_ASCII);
    }

    /** A form field, then a file part of {@code fileSize} bytes repeating {@code block}, then the close delimiter. */
    private static final class GeneratedBody extends InputStream {
        private final byte[] head = ("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"folder\"\r\n\r\n"
                + "bench\r\n--" + BOUNDARY
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.bin\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        private final byte[] tail = ("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII);
        private final byte[] block;
        private final long fileSize;
        private long position;

        GeneratedBody(byte[] block, long fileSize) {
            this.block = block;
            this.fileSize = fileSize;
        }

        long length() {
            return head.length + fileSize + tail.length;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (position == length()) {
                return -1;
            }
            int n;
            if (position < head.length) {
                n = Math.min(len, head.length - (int) position);
                System.arraycopy(head, (int) position, b, off, n);
            } else if (position < head.length + fileSize) {
                long inFile = position - head.length;
                int inBlock = (int) (inFile % block.length);
                n = (int) Math.min(Math.min(len, block.length - inBlock), fileSize - inFile);
                System.arraycopy(block, inBlock, b, off, n);
            } else {
                int inTail = (int) (position - head.length - fileSize);
                n = Math.min(len, tail.length - inTail);
                System.arraycopy(tail, inTail, b, off, n);
            }
            position += n;
            return n;
        }
    }
}
