package dev.uploadkit.core.internal.store;

import com.google.common.base.Supplier;
import com.google.inject.Inject;
import jakarta.inject.Named;
import org.jclouds.crypto.Crypto;
import org.jclouds.date.TimeStamp;
import org.jclouds.domain.Credentials;
import org.jclouds.http.internal.SignatureWire;
import org.jclouds.io.Payload;
import org.jclouds.location.Provider;
import org.jclouds.s3.filters.Aws4SignerForAuthorizationHeader;

import java.util.Date;

import static org.jclouds.aws.reference.AWSConstants.PROPERTY_HEADER_TAG;
import static org.jclouds.s3.reference.S3Constants.PROPERTY_S3_VIRTUAL_HOST_BUCKETS;

/**
 * jclouds' AWS V4 header signer, except that request bodies are sent as {@code UNSIGNED-PAYLOAD} instead of with
 * their SHA-256 in {@code x-amz-content-sha256}.
 *
 * <p>jclouds 2.7.0 always hashes a repeatable body before sending it, a full extra pass over every byte, and has
 * no setting to skip it, so {@link BlobStoreContexts} binds this subclass in its place. Headers, the length
 * included, stay signed; the body's integrity is left to TLS, as the AWS SDKs do by default over HTTPS.
 */
public final class UnsignedPayloadSigner extends Aws4SignerForAuthorizationHeader {
    /** The value S3 accepts in {@code x-amz-content-sha256} for a body that is not part of the signature. */
    public static final String UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";

    @Inject
    public UnsignedPayloadSigner(SignatureWire signatureWire,
                                @Named(PROPERTY_S3_VIRTUAL_HOST_BUCKETS) boolean isVhostStyle,
                                @Named(PROPERTY_HEADER_TAG) String headerTag,
                                @Provider Supplier<Credentials> creds, @TimeStamp Supplier<Date> timestampProvider,
                                ServiceAndRegion serviceAndRegion, Crypto crypto) {
        super(signatureWire, isVhostStyle, headerTag, creds, timestampProvider, serviceAndRegion, crypto);
    }

    @Override
    protected String calculatePayloadContentHash(Payload payload) {
        return UNSIGNED_PAYLOAD;
    }
}
