package dev.uploadkit.spring;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;

import java.util.Set;

/**
 * Reports a refused secret property ({@code upload.admin-key}, {@code upload.signing-key}, the master keys, the S3
 * secret key) without its value. Spring Boot's own report of a failed binding quotes the value, and a near-valid
 * secret (one character short, a stray space) would end up in the logs; this analyzer runs before it and names the
 * property and the reason only.
 */
public final class SecretPropertyFailureAnalyzer extends AbstractFailureAnalyzer<BindException> implements Ordered {
    static final Set<String> SECRETS = Set.of("upload.admin-key", "upload.signing-key", "upload.secrets.master-key",
            "upload.secrets.previous-master-keys", "upload.store.s3.secret-key");

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, BindException cause) {
        String name = null;
        for (Throwable t = cause; t != null && name == null; t = t.getCause()) {
            if (t instanceof BindException bind) {
                name = secretNamed(bind);
            }
        }
        if (name == null) {
            return null;
        }
        Throwable reason = cause;
        while (reason.getCause() != null) {
            reason = reason.getCause();
        }
        return new FailureAnalysis("The secret property " + name + " was refused (its value is not shown): "
                + reason.getMessage(), "Set " + name + " to a valid secret.", cause);
    }

    /** Returns the secret property {@code bind} failed on (its property's name, else its own), or null. */
    private static String secretNamed(BindException bind) {
        String property = bind.getProperty() == null ? null : bind.getProperty().getName().toString();
        String name = property != null ? property : bind.getName() == null ? null : bind.getName().toString();
        return name != null && SECRETS.contains(name) ? name : null;
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
