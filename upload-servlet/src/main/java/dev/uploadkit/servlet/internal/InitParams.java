package dev.uploadkit.servlet.internal;

import dev.uploadkit.core.DataSize;
import dev.uploadkit.servlet.ServletComponents;
import dev.uploadkit.servlet.UploadServlet;
import jakarta.servlet.ServletConfig;

import java.lang.reflect.InvocationTargetException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The init-params of a servlet created from {@code web.xml}, and how they configure its builder. */
public final class InitParams {
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(B|KB|MB|GB|TB)?", Pattern.CASE_INSENSITIVE);

    private final Map<String, String> values;

    private InitParams(Map<String, String> values) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    public static InitParams of(ServletConfig config) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String name : Collections.list(config.getInitParameterNames())) {
            values.put(name, config.getInitParameter(name));
        }
        return new InitParams(values);
    }

    public static InitParams of(Map<String, String> values) {
        return new InitParams(values);
    }

    public Map<String, String> asMap() {
        return values;
    }

    /** Applies the settings the servlet itself understands; throws {@code IllegalArgumentException} naming a bad one. */
    public void apply(UploadServlet.Builder builder) {
        value(UploadServlet.SIGNING_KEY_PARAM).ifPresent(builder::signingKey);
        value(UploadServlet.PUBLIC_BASE_URL_PARAM).ifPresent(builder::publicBaseUrl);
        value(UploadServlet.DOWNLOAD_TOKEN_TTL_PARAM)
                .ifPresent(v -> builder.downloadTokenTtl(duration(UploadServlet.DOWNLOAD_TOKEN_TTL_PARAM, v)));
        value(UploadServlet.MAX_REQUEST_SIZE_PARAM)
                .ifPresent(v -> builder.maxRequestSize(size(UploadServlet.MAX_REQUEST_SIZE_PARAM, v)));
        value(UploadServlet.MAX_FORM_FIELD_SIZE_PARAM)
                .ifPresent(v -> builder.maxFormFieldSize(size(UploadServlet.MAX_FORM_FIELD_SIZE_PARAM, v)));
        value(UploadServlet.MAX_FILE_COUNT_PARAM)
                .ifPresent(v -> builder.maxFileCount(integer(UploadServlet.MAX_FILE_COUNT_PARAM, v)));
        value(UploadServlet.DOCS_PARAM).ifPresent(v -> builder.docs(bool(UploadServlet.DOCS_PARAM, v)));
    }

    private static boolean bool(String name, String value) {
        return switch (value.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(name + ": must be true or false, was '" + value + "'");
        };
    }

    /** Returns the components named by the factory init-param, else the single {@link ServiceLoader} provider. */
    public ServletComponents components(ClassLoader loader) {
        Optional<String> named = value(UploadServlet.FACTORY_PARAM);
        if (named.isPresent()) {
            return instantiate(named.get(), loader);
        }
        List<ServletComponents> found = ServiceLoader.load(ServletComponents.class, loader).stream()
                .map(ServiceLoader.Provider::get).toList();
        if (found.size() == 1) {
            return found.get(0);
        }
        if (found.isEmpty()) {
            throw new IllegalStateException(UploadServlet.FACTORY_PARAM + ": not set and no ServletComponents "
                    + "provider is registered; name your ServletComponents class in this init-param");
        }
        throw new IllegalStateException(UploadServlet.FACTORY_PARAM + ": not set and several ServletComponents "
                + "providers are registered " + found.stream().map(c -> c.getClass().getName()).toList()
                + "; name one in this init-param");
    }

    private static ServletComponents instantiate(String className, ClassLoader loader) {
        String param = UploadServlet.FACTORY_PARAM;
        try {
            Class<?> type = Class.forName(className.strip(), true, loader);
            if (!ServletComponents.class.isAssignableFrom(type)) {
                throw new IllegalArgumentException(param + ": " + className + " does not implement "
                        + ServletComponents.class.getName());
            }
            return (ServletComponents) type.getConstructor().newInstance();
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException(param + ": class " + className + " not found", e);
        } catch (NoSuchMethodException | InstantiationException | IllegalAccessException e) {
            throw new IllegalArgumentException(param + ": " + className
                    + " needs a public no-argument constructor", e);
        } catch (InvocationTargetException e) {
            throw new IllegalArgumentException(param + ": the constructor of " + className + " failed: "
                    + e.getCause(), e.getCause());
        }
    }

    private Optional<String> value(String name) {
        String v = values.get(name);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.strip());
    }

    static Duration duration(String name, String value) {
        try {
            if (value.chars().allMatch(Character::isDigit)) {
                return Duration.ofSeconds(Long.parseLong(value));
            }
            return Duration.parse(value.toUpperCase(Locale.ROOT));
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new IllegalArgumentException(name + ": '" + value + "' is not a duration; use seconds or ISO-8601 "
                    + "such as PT1H", e);
        }
    }

    static DataSize size(String name, String value) {
        Matcher m = SIZE.matcher(value);
        if (!m.matches()) {
            throw new IllegalArgumentException(name + ": '" + value + "' is not a size; use bytes or e.g. 64KB, 5GB");
        }
        try {
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "B" : m.group(2).toUpperCase(Locale.ROOT);
            int shift = switch (unit) {
                case "KB" -> 10;
                case "MB" -> 20;
                case "GB" -> 30;
                case "TB" -> 40;
                default -> 0;
            };
            if (n > (Long.MAX_VALUE >> shift)) {
                throw new NumberFormatException("overflow");
            }
            return DataSize.ofBytes(n << shift);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": '" + value + "' is too large", e);
        }
    }

    static int integer(String name, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": '" + value + "' is not a whole number", e);
        }
    }
}
