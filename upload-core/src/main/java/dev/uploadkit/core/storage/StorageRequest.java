package dev.uploadkit.core.storage;

/**
 * The fields of a storage connection a client sends to add or change one; {@code null} means "not given" (on a
 * change: keep the current value). Wire names in brackets.
 *
 * @param provider [{@code provider}] a {@link StorageProvider} wire name; required to add, fixed afterwards
 * @param secretKey [{@code secret_key}] plaintext; sealed before it is stored, never returned
 * @param pathStyle [{@code path_style}]
 * @param isDefault [{@code is_default}]
 */
public record StorageRequest(String name, String provider, String endpoint, String region, String bucket,
                             String accessKey, String secretKey, String publicBaseUrl, Boolean pathStyle,
                             Boolean isDefault) {

    @Override
    public String toString() {
        return "StorageRequest[name=" + name + ", provider=" + provider + ", endpoint=" + endpoint + ", bucket="
                + bucket + ", secretKey=" + (secretKey == null ? "null" : "***") + "]";
    }
}
