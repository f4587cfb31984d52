package dev.uploadkit.spring;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The database Uploadkit opens a pool of its own to when the application has no {@code DataSource} bean:
 * {@code upload.database.*}. Ignored when there is one.
 */
@ConfigurationProperties(prefix = "upload.database")
public class DatabaseProperties {
    /** The embedded H2 database used when no URL is set. */
    public static final String DEFAULT_URL = "jdbc:h2:file:./data/db/uploadkit";

    /** The JDBC URL, such as jdbc:postgresql://db/uploads; unset, an embedded H2 database under ./data/db. */
    private String url;
    /** The user to connect as; unset, sa for H2 and none otherwise. */
    private String username;
    /** The password to connect with. */
    private String password;

    /** Returns the JDBC URL set, or {@code null} when none is; see {@link #determineUrl()}. */
    public String getUrl() {
        return url;
    }

    /** Sets the JDBC URL, such as {@code jdbc:postgresql://db/uploads}; must start with {@code jdbc:}. */
    public void setUrl(String url) {
        if (url == null || !url.startsWith("jdbc:")) {
            throw new IllegalArgumentException("upload.database.url: '" + url + "' is not a JDBC URL; use one "
                    + "starting with 'jdbc:', such as " + DEFAULT_URL);
        }
        this.url = url;
    }

    /** Returns the URL to connect to: the one set, else {@value #DEFAULT_URL}. */
    public String determineUrl() {
        return url != null ? url : DEFAULT_URL;
    }

    /** Returns the user set, or {@code null}; see {@link #determineUsername()}. */
    public String getUsername() {
        return username;
    }

    public void setUsername(String username) {
        this.username = username;
    }

    /** Returns the user to connect as: the one set, else {@code sa} for H2 and none otherwise. */
    public String determineUsername() {
        if (username != null) {
            return username;
        }
        return determineUrl().startsWith("jdbc:h2:") ? "sa" : null;
    }

    public String getPassword() {
        return password;
    }

    public void setPassword(String password) {
        this.password = password;
    }
}
