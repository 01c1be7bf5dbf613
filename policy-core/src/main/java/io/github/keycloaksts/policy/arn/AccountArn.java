package io.github.keycloaksts.policy.arn;

import java.util.Objects;

/**
 * The account principal {@code acs:ram::<accountId>:root}: in a trust policy it stands for every
 * user (and role session) of that account that the account's own grants allow.
 *
 * @param accountId the account
 */
public record AccountArn(AccountId accountId) implements Arn {

    /** @throws NullPointerException if {@code accountId} is null */
    public AccountArn {
        Objects.requireNonNull(accountId, "accountId");
    }

    /**
     * @param accountId 8-16 digits
     * @return the root ARN of that account
     * @throws InvalidArnException if the account ID is invalid
     */
    public static AccountArn of(String accountId) {
        return new AccountArn(AccountId.of(accountId));
    }

    /**
     * @param arn {@code acs:ram::<accountId>:root}
     * @return the ARN
     * @throws InvalidArnException if it is not a valid account root ARN
     */
    public static AccountArn parse(String arn) {
        return ArnParser.parseAs(arn, AccountArn.class, "an account");
    }

    @Override
    public String toString() {
        return PREFIX + accountId.value() + ":root";
    }
}
