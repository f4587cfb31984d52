package dev.uploadkit.core.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JcloudsFileStoreBuilderTest {
    @ParameterizedTest
    @ValueSource(strings = {"", "has space", "tab\tid"})
    void invalidIdsAreRefused(String id) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JcloudsFileStore.builder().id(id));

        assertTrue(e.getMessage().startsWith("id:"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "..", ".hidden", "a/b", "a\\b", "with space"})
    void invalidContainersAreRefused(String container) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JcloudsFileStore.builder().container(container));

        assertTrue(e.getMessage().startsWith("container:"));
    }

    @Test
    void missingIdIsReportedByBuild() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> JcloudsFileStore.builder().inMemory().build());

        assertTrue(e.getMessage().startsWith("id:"));
    }

    @Test
    void missingKindIsReportedByBuild() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> JcloudsFileStore.builder().id("x").build());

        assertTrue(e.getMessage().startsWith("baseDir:"));
    }

    @Test
    void containerDoesNotApplyToS3() {
        S3Settings settings = S3Settings.builder().endpoint("http://127.0.0.1:1").pathStyle(true).bucket("bucket")
                .accessKey("a").secretKey("s").build();

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> JcloudsFileStore.builder().id("x").container("files").s3(settings).build());

        assertTrue(e.getMessage().startsWith("container:"));
    }

    @Test
    void nullOrShutDownExecutorsAreRefused() {
        ExecutorService stopped = Executors.newSingleThreadExecutor();
        stopped.shutdown();

        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> JcloudsFileStore.builder().executor(null));
        IllegalArgumentException shutDown = assertThrows(IllegalArgumentException.class,
                () -> JcloudsFileStore.builder().executor(stopped));

        assertTrue(none.getMessage().startsWith("executor:"));
        assertTrue(shutDown.getMessage().startsWith("executor:"));
    }

    @Test
    void executorDoesNotApplyToAFilesystemStore(@TempDir Path dir) {
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> JcloudsFileStore.builder().id("x").filesystem(dir).executor(executor).build());

            assertTrue(e.getMessage().startsWith("executor:"));
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void nullBaseDirAndSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> JcloudsFileStore.builder().filesystem(null));
        assertThrows(IllegalArgumentException.class, () -> JcloudsFileStore.builder().s3(null));
    }
}
