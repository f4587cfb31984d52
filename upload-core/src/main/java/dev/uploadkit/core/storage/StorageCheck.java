package dev.uploadkit.core.storage;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of a connectivity check: each step run (connect, write, read, delete) with its latency, and the one
 * that failed with a message safe to show (no secret, no stack trace).
 *
 * @param failedStep the step that failed, or null if all passed
 * @param error why it failed, or null
 */
public record StorageCheck(boolean ok, List<Step> steps, String failedStep, String error) {
    public StorageCheck {
        steps = List.copyOf(steps);
    }

    /** One step: its name ({@code connect}, {@code write}, {@code read}, {@code delete}), outcome and latency. */
    public record Step(String step, boolean ok, long latencyMs) {
        public Step {
            Objects.requireNonNull(step, "step");
        }
    }
}
