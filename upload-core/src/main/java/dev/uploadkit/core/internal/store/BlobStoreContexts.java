package dev.uploadkit.core.internal.store;

import com.google.inject.AbstractModule;
import com.google.inject.Module;
import dev.uploadkit.core.store.S3Settings;
import org.jclouds.Constants;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.filesystem.reference.FilesystemConstants;
import org.jclouds.location.reference.LocationConstants;
import org.jclouds.logging.slf4j.config.SLF4JLoggingModule;
import org.jclouds.s3.filters.Aws4SignerForAuthorizationHeader;
import org.jclouds.s3.reference.S3Constants;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;

/** Builds the jclouds contexts behind each kind of store. */
public final class BlobStoreContexts {
    private BlobStoreContexts() {
    }

    /** Returns a {@code filesystem} context storing containers as folders of {@code baseDir}. */
    public static BlobStoreContext filesystem(Path baseDir) {
        Properties overrides = new Properties();
        overrides.setProperty(FilesystemConstants.PROPERTY_BASEDIR, baseDir.toString());
        // Content types are the caller's business; probing files would cost a read per get.
        overrides.setProperty(FilesystemConstants.PROPERTY_AUTO_DETECT_CONTENT_TYPE, "false");
        return build(ContextBuilder.newBuilder("filesystem").overrides(overrides));
    }

    /** Returns a {@code transient} context: in memory, private to this context. */
    public static BlobStoreContext inMemory() {
        return build(ContextBuilder.newBuilder("transient"));
    }

    /** Returns an {@code aws-s3} context for any S3-compatible service. */
    public static BlobStoreContext s3(S3Settings settings) {
        Properties overrides = new Properties();
        // Without a fixed region jclouds probes bucket locations, which took seconds per request.
        overrides.setProperty(LocationConstants.PROPERTY_REGIONS, settings.region());
        overrides.setProperty(S3Constants.PROPERTY_S3_VIRTUAL_HOST_BUCKETS, Boolean.toString(!settings.pathStyle()));
        // jclouds' own retries (reads, lists, deletes, and the writes it can repeat): a few, soon. Writes are
        // retried once more by StoreRetries for the failures jclouds passes on.
        overrides.setProperty(Constants.PROPERTY_MAX_RETRIES, "3");
        overrides.setProperty(Constants.PROPERTY_RETRY_DELAY_START, "100");
        ContextBuilder builder = ContextBuilder.newBuilder("aws-s3")
                .endpoint(settings.endpoint().toString())
                .credentials(settings.accessKey(), settings.secretKey())
                .overrides(overrides);
        if (settings.signPayload()) {
            return build(builder, new QuietHttpLogging());
        }
        return build(builder, new QuietHttpLogging(), new AbstractModule() {
            @Override
            protected void configure() {
                bind(Aws4SignerForAuthorizationHeader.class).to(UnsignedPayloadSigner.class);
            }
        });
    }

    private static BlobStoreContext build(ContextBuilder builder, Module... extra) {
        Set<Module> modules = new HashSet<>(List.of(extra));
        if (modules.stream().noneMatch(m -> m instanceof SLF4JLoggingModule)) {
            modules.add(new SLF4JLoggingModule());
        }
        return builder.modules(modules).buildView(BlobStoreContext.class);
    }
}
