package dev.uploadkit.spring;

import dev.uploadkit.core.store.S3Settings;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

import java.net.URI;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class UploadPropertiesTests {

    @Test
    void defaults() {
        UploadProperties properties = new UploadProperties();
        assertThat(properties.isEnabled()).isTrue();
        assertThat(properties.getServletPath()).isEqualTo("/v1/external/*");
        assertThat(properties.getMaxFileSize()).isEqualTo(DataSize.ofBytes(5L * 1024 * 1024 * 1024));
        assertThat(properties.getAllowedTypes()).isEmpty();
        assertThat(properties.getSigningKey()).isNull();
        assertThat(properties.getPublicBaseUrl()).isNull();
        assertThat(properties.getDownloadTokenTtl()).isEqualTo(Duration.ofHours(1));
        assertThat(properties.getStore().storeType()).isEqualTo(UploadProperties.StoreType.FILESYSTEM);
        assertThat(properties.getStore().getPath()).isEqualTo("./data/files");
        assertThat(new DatabaseProperties().determineUrl()).isEqualTo("jdbc:h2:file:./data/db/uploadkit");
        assertThat(new DatabaseProperties().determineUsername()).isEqualTo("sa");
        assertThat(new DatabaseProperties().getPassword()).isNull();
    }

    @Test
    void storeTypeIgnoresCase() {
        UploadProperties.Store store = new UploadProperties().getStore();
        store.setType("S3");
        assertThat(store.storeType()).isEqualTo(UploadProperties.StoreType.S3);
        assertThat(store.getType()).isEqualTo("s3");
        store.setType(" Transient ");
        assertThat(store.storeType()).isEqualTo(UploadProperties.StoreType.TRANSIENT);
    }

    @Test
    void aDatabaseOtherThanH2HasNoDefaultUser() {
        DatabaseProperties database = new DatabaseProperties();
        database.setUrl("jdbc:postgresql://db/uploads");
        assertThat(database.determineUsername()).isNull();
        database.setUsername("uploads");
        assertThat(database.determineUsername()).isEqualTo("uploads");
    }

    @Test
    void s3PropertiesMapToSettings() {
        UploadProperties.S3 s3 = new UploadProperties().getStore().getS3();
        s3.setEndpoint("http://127.0.0.1:9000");
        s3.setRegion("auto");
        s3.setBucket("uploads");
        s3.setAccessKey("access");
        s3.setSecretKey("secret");
        s3.setPathStyle(true);

        S3Settings settings = s3.toSettings();

        assertThat(settings.endpoint()).isEqualTo(URI.create("http://127.0.0.1:9000"));
        assertThat(settings.region()).isEqualTo("auto");
        assertThat(settings.bucket()).isEqualTo("uploads");
        assertThat(settings.accessKey()).isEqualTo("access");
        assertThat(settings.secretKey()).isEqualTo("secret");
        assertThat(settings.pathStyle()).isTrue();
    }

    @Test
    void s3DefaultsToAws() {
        UploadProperties.S3 s3 = new UploadProperties().getStore().getS3();
        s3.setBucket("uploads");
        s3.setAccessKey("access");
        s3.setSecretKey("secret");

        S3Settings settings = s3.toSettings();

        assertThat(settings.endpoint()).isEqualTo(S3Settings.AWS_ENDPOINT);
        assertThat(settings.region()).isEqualTo(S3Settings.DEFAULT_REGION);
        assertThat(settings.pathStyle()).isFalse();
    }

    @Test
    void s3NeedsCredentials() {
        UploadProperties.S3 s3 = new UploadProperties().getStore().getS3();
        s3.setBucket("uploads");
        s3.setAccessKey("access");
        s3.setSecretKey(" ");
        assertThatIllegalArgumentException().isThrownBy(s3::toSettings)
                .withMessageStartingWith("upload.store.s3.secret-key:");
    }

    @Test
    void aRejectedValueLeavesTheSettingUnchanged() {
        UploadProperties properties = new UploadProperties();
        assertThatIllegalArgumentException().isThrownBy(() -> properties.setServletPath("/a/*/b/*"))
                .withMessageStartingWith("upload.servlet-path:");
        assertThatIllegalArgumentException().isThrownBy(() -> properties.setMaxFileSize(DataSize.ofBytes(-1)))
                .withMessageStartingWith("upload.max-file-size:");
        assertThat(properties.getServletPath()).isEqualTo("/v1/external/*");
        assertThat(properties.getMaxFileSize()).isEqualTo(DataSize.ofGigabytes(5));
    }

    @Test
    void theSigningKeyIsNeverInTheMessage() {
        UploadProperties properties = new UploadProperties();
        assertThatIllegalArgumentException().isThrownBy(() -> properties.setSigningKey("s3cr3t-but-short"))
                .withMessageStartingWith("upload.signing-key:")
                .withMessageNotContaining("s3cr3t-but-short");
    }
}
