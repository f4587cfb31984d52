package dev.uploadkit.servlet.internal;

import java.io.IOException;

/** Answers one route. Throws {@link dev.uploadkit.core.UploadException} for anything the client should see. */
@FunctionalInterface
public interface Handler {
    void handle(Exchange exchange) throws IOException;
}
