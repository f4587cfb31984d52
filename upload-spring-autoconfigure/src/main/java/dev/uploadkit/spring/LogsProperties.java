package dev.uploadkit.spring;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;
import java.util.List;

/**
 * The request log and usage counts: {@code upload.logs.*}. Each API request is logged (never its key or a token)
 * and counted into daily usage, written in batches by a writer of its own; {@code GET logs} and {@code GET usage}
 * read them.
 */
@ConfigurationProperties(prefix = "upload.logs")
public class LogsProperties {
    /** Whether requests are logged and counted; false serves no GET logs or GET usage (404). */
    private boolean enabled = true;
    /** How long request-log entries are kept (daily usage counts stay): at least 1s. */
    private Duration retention = Duration.ofDays(30);
    /** Addresses or CIDR ranges (10.0.0.0/8,127.0.0.1) whose X-Forwarded-For the request log believes. */
    private List<String> trustedProxies = List.of();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public Duration getRetention() {
        return retention;
    }

    /** Sets how long request-log entries are kept: at least 1 second. */
    public void setRetention(Duration retention) {
        this.retention = PropertyChecks.atLeastASecond("upload.logs.retention", retention, "30d");
    }

    public List<String> getTrustedProxies() {
        return trustedProxies;
    }

    /** Sets the proxies, checked now (addresses or CIDR ranges), so that a bad one stops binding naming it. */
    public void setTrustedProxies(List<String> trustedProxies) {
        List<String> proxies = trustedProxies == null ? List.of()
                : trustedProxies.stream().map(String::strip).filter(p -> !p.isEmpty()).toList();
        try {
            dev.uploadkit.servlet.UploadServlet.builder().trustedProxies(proxies);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("upload.logs.trusted-proxies: "
                    + e.getMessage().replaceFirst("^trustedProxies: ", ""));
        }
        this.trustedProxies = proxies;
    }
}
