package dev.uploadkit.core.internal.store;

import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.domain.Blob;
import org.jclouds.blobstore.domain.BlobMetadata;
import org.jclouds.blobstore.domain.MultipartPart;
import org.jclouds.blobstore.domain.MultipartUpload;
import org.jclouds.blobstore.domain.internal.BlobBuilderImpl;
import org.jclouds.blobstore.options.PutOptions;
import org.jclouds.io.Payload;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A jclouds {@link BlobStore} in memory that does only what {@link MultipartWriter} needs, runs a test's script
 * for each part, and records in order what happened: {@code put}, {@code initiate}, {@code start n},
 * {@code interrupted n}, {@code end n}, {@code complete}, and {@code abort running=k}, k being the part calls
 * under way when the abort came.
 */
final class ScriptedBlobStore {
    /** What a part does before it is stored; it may block, or throw (an interrupt is recorded). */
    @FunctionalInterface
    interface PartScript {
        void run(int number) throws Exception;
    }

    private final List<String> events = new ArrayList<>();
    private final Map<Integer, byte[]> parts = new ConcurrentHashMap<>();
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger maxRunning = new AtomicInteger();
    private final PartScript script;
    private volatile byte[] stored;
    private volatile List<Integer> completedParts = List.of();

    ScriptedBlobStore(PartScript script) {
        this.script = script;
    }

    /** Returns the jclouds view of this store. */
    BlobStore blobStore() {
        return (BlobStore) Proxy.newProxyInstance(BlobStore.class.getClassLoader(), new Class<?>[] {BlobStore.class},
                (proxy, method, args) -> dispatch(method, args));
    }

    List<String> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    void record(String event) {
        synchronized (events) {
            events.add(event);
        }
    }

    /** Returns the object's bytes once put or completed, else {@code null}. */
    byte[] stored() {
        return stored;
    }

    /** Returns the part numbers the completion listed, in its order. */
    List<Integer> completedParts() {
        return completedParts;
    }

    /** Returns the most part calls that were under way at once. */
    int maxRunning() {
        return maxRunning.get();
    }

    private Object dispatch(Method method, Object[] args) throws Exception {
        switch (method.getName()) {
            case "blobBuilder":
                return new BlobBuilderImpl().name((String) args[0]);
            case "putBlob":
                record("put");
                stored = read(((Blob) args[1]).getPayload());
                return "etag";
            case "initiateMultipartUpload":
                record("initiate");
                BlobMetadata metadata = (BlobMetadata) args[1];
                return MultipartUpload.create((String) args[0], metadata.getName(), "upload-1", metadata,
                        (PutOptions) args[2]);
            case "uploadMultipartPart":
                return uploadPart((Integer) args[1], (Payload) args[2]);
            case "completeMultipartUpload":
                return complete(args[1]);
            case "abortMultipartUpload":
                record("abort running=" + running.get());
                return null;
            case "toString":
                return "ScriptedBlobStore";
            default:
                throw new UnsupportedOperationException(method.getName());
        }
    }

    private MultipartPart uploadPart(int number, Payload payload) throws Exception {
        int now = running.incrementAndGet();
        maxRunning.accumulateAndGet(now, Math::max);
        record("start " + number);
        try {
            try {
                script.run(number);
            } catch (InterruptedException e) {
                record("interrupted " + number);
                throw new IllegalStateException("part " + number + " cancelled", e);
            }
            byte[] bytes = read(payload);
            parts.put(number, bytes);
            return MultipartPart.create(number, bytes.length, "etag-" + number, null);
        } finally {
            record("end " + number);
            running.decrementAndGet();
        }
    }

    private String complete(Object listed) {
        record("complete");
        List<Integer> numbers = new ArrayList<>();
        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        for (Object o : (List<?>) listed) {
            MultipartPart part = (MultipartPart) o;
            numbers.add(part.partNumber());
            whole.writeBytes(parts.get(part.partNumber()));
        }
        completedParts = List.copyOf(numbers);
        stored = whole.toByteArray();
        return "etag";
    }

    private static byte[] read(Payload payload) {
        try (InputStream in = payload.openStream()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
