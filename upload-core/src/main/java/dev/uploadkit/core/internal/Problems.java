package dev.uploadkit.core.internal;

import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.UploadException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** Collects validation problems over several fields so one {@code VALIDATION_ERROR} can name them all. */
public final class Problems {
    private final Map<String, List<String>> details = new LinkedHashMap<>();

    public void add(String field, String message) {
        details.computeIfAbsent(field, f -> new ArrayList<>()).add(message);
    }

    /** Returns what {@code step} returns, or {@code null} after recording its {@code VALIDATION_ERROR}. */
    public <T> T attempt(Supplier<T> step) {
        try {
            return step.get();
        } catch (UploadException e) {
            add(e);
            return null;
        }
    }

    /** Records a {@code VALIDATION_ERROR}'s fields (its message when it names none); rethrows any other error. */
    public void add(UploadException e) {
        if (e.code() != ErrorCode.VALIDATION_ERROR) {
            throw e;
        }
        if (e.details().isEmpty()) {
            add("request", e.getMessage());
        }
        e.details().forEach((field, messages) -> messages.forEach(m -> add(field, m)));
    }

    public boolean isEmpty() {
        return details.isEmpty();
    }

    public void throwIfAny() {
        if (details.isEmpty()) {
            return;
        }
        Map.Entry<String, List<String>> first = details.entrySet().iterator().next();
        String message = details.size() == 1 ? first.getValue().get(0)
                : first.getValue().get(0) + " (and " + (details.size() - 1) + " more problems)";
        throw new UploadException(ErrorCode.VALIDATION_ERROR, message, details, null);
    }
}
