package dev.uploadkit.core.limits;

import java.util.Objects;

/**
 * A plan: how many requests a project may make per calendar month (UTC) and per minute. A plan with neither
 * limit ({@link #isUnlimited()}) is never counted against and its responses carry no rate-limit headers.
 *
 * @param name the plan's name as projects refer to it: 1 to 64 of {@code [a-z0-9_-]}
 * @param monthlyRequests requests per calendar month, or 0 for no monthly quota
 * @param burstPerMinute requests per minute, or 0 for no burst limit
 */
public record Plan(String name, long monthlyRequests, long burstPerMinute) {
    /** The seed's Free plan: 500 requests a month, 10 a minute. */
    public static final Plan FREE = new Plan("free", 500, 10);
    /** The seed's Starter plan: 100,000 requests a month, 100 a minute. */
    public static final Plan STARTER = new Plan("starter", 100_000, 100);
    /** The seed's Pro plan: 1,000,000 requests a month, 1,000 a minute. */
    public static final Plan PRO = new Plan("pro", 1_000_000, 1_000);
    /** No limits at all. */
    public static final Plan UNLIMITED = new Plan("unlimited", 0, 0);

    public Plan {
        Objects.requireNonNull(name, "name");
        if (!name.matches("[a-z0-9_-]{1,64}")) {
            throw new IllegalArgumentException("plan name: must be 1 to 64 of a-z, 0-9, '_' and '-', was '" + name
                    + "'; use for example 'business'");
        }
        if (monthlyRequests < 0 || burstPerMinute < 0) {
            throw new IllegalArgumentException("plan " + name + ": limits must be 0 (none) or positive, were "
                    + monthlyRequests + " a month and " + burstPerMinute + " a minute");
        }
    }

    /** Returns true if neither limit applies. */
    public boolean isUnlimited() {
        return monthlyRequests == 0 && burstPerMinute == 0;
    }

    /**
     * Parses {@code name:monthly:burst}, for example {@code business:5000000:5000}; {@code 0} means no limit.
     *
     * @throws IllegalArgumentException naming the text and the expected form
     */
    public static Plan parse(String text) {
        String[] parts = text == null ? new String[0] : text.strip().split(":", -1);
        if (parts.length != 3) {
            throw new IllegalArgumentException("plan: '" + text + "' is not name:monthly:burst; write for example "
                    + "business:5000000:5000");
        }
        try {
            return new Plan(parts[0].strip(), Long.parseLong(parts[1].strip()), Long.parseLong(parts[2].strip()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("plan: '" + text + "' has a limit that is not a whole number; write "
                    + "for example business:5000000:5000", e);
        }
    }
}
