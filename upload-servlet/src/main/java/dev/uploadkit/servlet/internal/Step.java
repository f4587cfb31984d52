package dev.uploadkit.servlet.internal;

import java.io.IOException;

/**
 * Work the pipeline does around every route's handler, such as authentication, limits and the request log. A step
 * calls {@code next} to go on (at most once) or throws to refuse the request; handlers stay about their resource.
 */
@FunctionalInterface
interface Step {
    void apply(Exchange exchange, Chain next) throws IOException;

    /** The rest of the pipeline after a step. */
    @FunctionalInterface
    interface Chain {
        void proceed(Exchange exchange) throws IOException;
    }
}
