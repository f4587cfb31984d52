package dev.uploadkit.core.internal.store;

import dev.uploadkit.core.store.S3Settings;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.s3.filters.Aws4SignerForAuthorizationHeader;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

class BlobStoreContextsTest {
    private static S3Settings.Builder settings() {
        // Building a context does not connect, so no server is needed here.
        return S3Settings.builder().endpoint("http://127.0.0.1:1").pathStyle(true).bucket("bucket")
                .accessKey("a").secretKey("s");
    }

    @Test
    void unsignedPayloadSettingBindsTheUnsignedSigner() {
        try (BlobStoreContext context = BlobStoreContexts.s3(settings().signPayload(false).build())) {
            assertInstanceOf(UnsignedPayloadSigner.class, signer(context));
        }
    }

    @Test
    void signedPayloadSettingKeepsJcloudsSigner() {
        try (BlobStoreContext context = BlobStoreContexts.s3(settings().signPayload(true).build())) {
            assertEquals(Aws4SignerForAuthorizationHeader.class, signer(context).getClass());
        }
    }

    private static Aws4SignerForAuthorizationHeader signer(BlobStoreContext context) {
        return context.utils().injector().getInstance(Aws4SignerForAuthorizationHeader.class);
    }
}
