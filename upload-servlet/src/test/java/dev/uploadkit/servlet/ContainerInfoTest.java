package dev.uploadkit.servlet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Names, in the report, the container a run of the HTTP suite used, and checks it is the one asked for. */
class ContainerInfoTest {
    @TempDir
    Path dir;

    @Test
    void theSuiteRunsInTheConfiguredContainer() throws Exception {
        String wanted = System.getProperty(TestContainer.PROPERTY, "jetty");
        String expectedVersion = System.getProperty("uploadkit.test.container.version", "");
        try (TestServer server = TestServer.start(dir)) {
            String info = server.container().serverInfo();
            System.out.println("HTTP suite container: " + info);
            assertTrue(info.toLowerCase(java.util.Locale.ROOT).contains(wanted), info);
            assertTrue(info.contains(expectedVersion), info + " is not " + expectedVersion);
            assertTrue(server.get("files").status() == 200, "the servlet answers in " + info);
        }
    }
}
