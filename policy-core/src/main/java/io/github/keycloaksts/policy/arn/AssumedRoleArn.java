package io.github.keycloaksts.policy.arn;

import static io.github.keycloaksts.policy.internal.Texts.quote;

import java.util.Objects;

import io.github.keycloaksts.policy.internal.Texts;

/**
 * A role session {@code acs:ram::<accountId>:role/<roleName>/<sessionName>}: someone acting as
 * the role. A trust policy principal naming the role ({@link RoleArn}) matches its sessions.
 *
 * @param role        the assumed role
 * @param sessionName 2-64 characters of {@code A-Z a-z 0-9 _ . @ = , -}
 */
public record AssumedRoleArn(RoleArn role, String sessionName) implements Arn {

    /** Characters allowed in session names besides ASCII letters and digits. */
    public static final String NAME_EXTRA_CHARS = "_.@=,-";

    /** @throws InvalidArnException if the session name is invalid */
    public AssumedRoleArn {
        Objects.requireNonNull(role, "role");
        if (!isValidSessionName(sessionName)) {
            throw new InvalidArnException("invalid role session name " + quote(sessionName)
                    + " (2-64 of A-Z a-z 0-9 _ . @ = , -)");
        }
    }

    /**
     * @param arn {@code acs:ram::<accountId>:role/<roleName>/<sessionName>}
     * @return the ARN
     * @throws InvalidArnException if it is not a valid role session ARN
     */
    public static AssumedRoleArn parse(String arn) {
        return ArnParser.parseAs(arn, AssumedRoleArn.class, "a role session");
    }

    /**
     * @param name any string, may be null
     * @return whether it is 2-64 characters of {@code A-Z a-z 0-9 _ . @ = , -}
     */
    public static boolean isValidSessionName(String name) {
        return name != null && name.length() >= 2 && name.length() <= 64 && Texts.isNameChars(name, NAME_EXTRA_CHARS);
    }

    @Override
    public AccountId accountId() {
        return role.accountId();
    }

    @Override
    public String toString() {
        return role + "/" + sessionName;
    }
}
