package dev.uploadkit.spring;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;

/**
 * URL imports ({@code files/upload-from-url}): {@code upload.imports.*}. Their sources must be addresses
 * {@code upload.outbound-allow} lets through (public ones by default).
 */
@ConfigurationProperties(prefix = "upload.imports")
public class ImportsProperties {
    /** The longest a URL import may take, redirects and body included (connecting: at most 10s). */
    private Duration timeout = Duration.ofMinutes(10);
    /** How many asynchronous URL imports this instance runs at once: 1 to 256. */
    private int concurrency = 8;

    public Duration getTimeout() {
        return timeout;
    }

    /** Sets the longest a URL import may take: at least 1 second. */
    public void setTimeout(Duration timeout) {
        this.timeout = PropertyChecks.atLeastASecond("upload.imports.timeout", timeout, "10m");
    }

    public int getConcurrency() {
        return concurrency;
    }

    /** Sets how many asynchronous URL imports this instance runs at once: 1 to 256. */
    public void setConcurrency(int concurrency) {
        if (concurrency < 1 || concurrency > 256) {
            throw new IllegalArgumentException("upload.imports.concurrency: " + concurrency + " is out of range; use "
                    + "1 to 256, such as 8");
        }
        this.concurrency = concurrency;
    }
}
