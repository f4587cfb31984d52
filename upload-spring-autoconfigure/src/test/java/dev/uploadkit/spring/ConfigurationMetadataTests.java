package dev.uploadkit.spring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.beans.Introspector;
import java.beans.PropertyDescriptor;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** The jar ships IDE metadata for every {@code upload.*} property, each with a description. */
class ConfigurationMetadataTests {

    @Test
    void everyBoundPropertyHasADescription() throws Exception {
        Map<String, JsonNode> metadata = new HashMap<>();
        try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).as("the processor's output is on the classpath").isNotNull();
            new ObjectMapper().readTree(in).path("properties").forEach(p -> metadata.put(p.path("name").asText(), p));
        }
        Set<String> bound = new TreeSet<>();
        collect("upload", UploadProperties.class, bound);
        collect("upload.secrets", SecretsProperties.class, bound);
        collect("upload.database", DatabaseProperties.class, bound);

        assertThat(bound).contains("upload.admin-key", "upload.store.type", "upload.store.s3.bucket",
                "upload.database.url", "upload.secrets.master-key", "upload.secrets.previous-master-keys");
        assertThat(metadata.keySet()).containsAll(bound);
        for (String name : bound) {
            assertThat(metadata.get(name).path("description").asText()).as(name).isNotBlank();
        }
        assertThat(metadata.get("upload.servlet-path").path("defaultValue").asText()).isEqualTo("/v1/external/*");
        assertThat(metadata.get("upload.max-file-size").path("defaultValue").asText()).isEqualTo("5GB");
        assertThat(metadata.get("upload.store.type").path("defaultValue").asText()).isEqualTo("filesystem");
    }

    /** Names as Boot binds them: a writable property, or a nested group read through a getter. */
    private static void collect(String prefix, Class<?> type, Set<String> names) throws Exception {
        for (PropertyDescriptor p : Introspector.getBeanInfo(type, Object.class).getPropertyDescriptors()) {
            String name = prefix + "." + kebab(p.getName());
            if (p.getReadMethod() != null && p.getReadMethod().getReturnType().getDeclaringClass() == UploadProperties.class) {
                collect(name, p.getReadMethod().getReturnType(), names);
            } else if (p.getWriteMethod() != null) {
                names.add(name);
            }
        }
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }
}
