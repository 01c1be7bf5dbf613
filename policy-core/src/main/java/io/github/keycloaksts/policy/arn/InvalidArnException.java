package io.github.keycloaksts.policy.arn;

import io.github.keycloaksts.policy.PolicyValidationException;

/**
 * An ARN, account ID, name or ARN pattern is malformed. It is a {@link PolicyValidationException}
 * with an empty path; the policy reader rethrows it with the JSON path where the value was found.
 */
public final class InvalidArnException extends PolicyValidationException {

    private static final long serialVersionUID = 1L;

    /** @param detail what is wrong, e.g. {@code account ID must be 8-16 digits: "123"} */
    public InvalidArnException(String detail) {
        super("", detail);
    }
}
