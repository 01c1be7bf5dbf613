package io.github.keycloaksts.policy.arn;

import static io.github.keycloaksts.policy.internal.Texts.quote;

import java.util.Locale;
import java.util.Objects;

import io.github.keycloaksts.policy.internal.Texts;

/**
 * A user principal {@code acs:ram::<accountId>:user/<userName>}. User names are compared
 * case-insensitively, like Keycloak usernames: they are normalised to lowercase here.
 *
 * @param accountId the account
 * @param userName  1-255 characters of {@code A-Z a-z 0-9 _ . @ + = , -}, stored lowercase
 */
public record UserArn(AccountId accountId, String userName) implements Arn {

    /** Characters allowed in user names besides ASCII letters and digits. */
    public static final String NAME_EXTRA_CHARS = "_.@+=,-";

    /** @throws InvalidArnException if the user name is invalid */
    public UserArn {
        Objects.requireNonNull(accountId, "accountId");
        if (!isValidUserName(userName)) {
            throw new InvalidArnException("invalid user name " + quote(userName)
                    + " (1-255 of A-Z a-z 0-9 _ . @ + = , -)");
        }
        userName = userName.toLowerCase(Locale.ROOT);
    }

    /**
     * @param accountId 8-16 digits
     * @param userName  the user name (any case)
     * @return the ARN
     * @throws InvalidArnException if either part is invalid
     */
    public static UserArn of(String accountId, String userName) {
        return new UserArn(AccountId.of(accountId), userName);
    }

    /**
     * @param arn {@code acs:ram::<accountId>:user/<userName>}
     * @return the ARN
     * @throws InvalidArnException if it is not a valid user ARN
     */
    public static UserArn parse(String arn) {
        return ArnParser.parseAs(arn, UserArn.class, "a user");
    }

    /**
     * @param name any string, may be null
     * @return whether it is 1-255 characters of {@code A-Z a-z 0-9 _ . @ + = , -}
     */
    public static boolean isValidUserName(String name) {
        return name != null && !name.isEmpty() && name.length() <= 255 && Texts.isNameChars(name, NAME_EXTRA_CHARS);
    }

    @Override
    public String toString() {
        return PREFIX + accountId.value() + ":user/" + userName;
    }
}
