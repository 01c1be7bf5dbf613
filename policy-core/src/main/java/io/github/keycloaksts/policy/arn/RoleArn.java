package io.github.keycloaksts.policy.arn;

import static io.github.keycloaksts.policy.internal.Texts.quote;

import java.util.Objects;

import io.github.keycloaksts.policy.internal.Texts;

/**
 * A role {@code acs:ram::<accountId>:role/<roleName>}. Role names are case-sensitive.
 *
 * @param accountId the account owning the role
 * @param roleName  1-64 characters of {@code A-Z a-z 0-9 _ . @ + = , -}
 */
public record RoleArn(AccountId accountId, String roleName) implements Arn {

    /** Characters allowed in role names besides ASCII letters and digits. */
    public static final String NAME_EXTRA_CHARS = "_.@+=,-";

    /** @throws InvalidArnException if the role name is invalid */
    public RoleArn {
        Objects.requireNonNull(accountId, "accountId");
        if (!isValidRoleName(roleName)) {
            throw new InvalidArnException("invalid role name " + quote(roleName)
                    + " (1-64 of A-Z a-z 0-9 _ . @ + = , -)");
        }
    }

    /**
     * @param accountId 8-16 digits
     * @param roleName  the role name
     * @return the ARN
     * @throws InvalidArnException if either part is invalid
     */
    public static RoleArn of(String accountId, String roleName) {
        return new RoleArn(AccountId.of(accountId), roleName);
    }

    /**
     * @param accountId the account
     * @param roleName  the role name
     * @return the ARN
     * @throws InvalidArnException if the role name is invalid
     */
    public static RoleArn of(AccountId accountId, String roleName) {
        return new RoleArn(accountId, roleName);
    }

    /**
     * @param arn {@code acs:ram::<accountId>:role/<roleName>}
     * @return the ARN
     * @throws InvalidArnException if it is not a valid role ARN (a role session ARN is refused)
     */
    public static RoleArn parse(String arn) {
        return ArnParser.parseAs(arn, RoleArn.class, "a role");
    }

    /**
     * @param name any string, may be null
     * @return whether it is 1-64 characters of {@code A-Z a-z 0-9 _ . @ + = , -}
     */
    public static boolean isValidRoleName(String name) {
        return name != null && !name.isEmpty() && name.length() <= 64 && Texts.isNameChars(name, NAME_EXTRA_CHARS);
    }

    /**
     * @param sessionName the role session name
     * @return the session ARN {@code acs:ram::<accountId>:role/<roleName>/<sessionName>}
     * @throws InvalidArnException if the session name is invalid
     */
    public AssumedRoleArn session(String sessionName) {
        return new AssumedRoleArn(this, sessionName);
    }

    @Override
    public String toString() {
        return PREFIX + accountId.value() + ":role/" + roleName;
    }
}
