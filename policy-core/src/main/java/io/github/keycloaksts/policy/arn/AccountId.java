package io.github.keycloaksts.policy.arn;

import static io.github.keycloaksts.policy.internal.Texts.quote;

/**
 * An account ID: 8 to 16 ASCII digits. Leading zeros are significant ({@code 01234567} and
 * {@code 1234567} are different strings, and the second is invalid).
 *
 * @param value the digits
 */
public record AccountId(String value) {

    /** @throws InvalidArnException if {@code value} is not 8-16 ASCII digits */
    public AccountId {
        if (!isValid(value)) {
            throw new InvalidArnException("account ID must be 8-16 digits: " + quote(value));
        }
    }

    /**
     * @param value the digits
     * @return the account ID
     * @throws InvalidArnException if {@code value} is not 8-16 ASCII digits
     */
    public static AccountId of(String value) {
        return new AccountId(value);
    }

    /**
     * @param value any string, may be null
     * @return whether it is 8-16 ASCII digits
     */
    public static boolean isValid(String value) {
        if (value == null || value.length() < 8 || value.length() > 16) {
            return false;
        }
        return isDigits(value);
    }

    static boolean isDigits(String value) {
        if (value.isEmpty()) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /** @return the digits */
    @Override
    public String toString() {
        return value;
    }
}
