package io.github.keycloaksts.policy.arn;

/**
 * A concrete RAM ARN: {@code acs:ram::<accountId>:root}, {@code ...:user/<name>},
 * {@code ...:role/<name>}, the role session {@code ...:role/<name>/<sessionName>} or the OIDC
 * provider {@code ...:oidc-provider/<name>}. The region
 * field is always empty. {@link #toString()} is the canonical form, and
 * {@code Arn.parse(arn.toString()).equals(arn)} always holds.
 */
public sealed interface Arn permits AccountArn, UserArn, RoleArn, AssumedRoleArn, OidcProviderArn {

    /** The prefix of every ARN this library understands. */
    String PREFIX = "acs:ram::";

    /** @return the account the ARN belongs to */
    AccountId accountId();

    /** @return the canonical form, e.g. {@code acs:ram::11223344:role/ecs-admin} */
    @Override
    String toString();

    /**
     * Parses any supported ARN.
     *
     * @param arn the text
     * @return an {@link AccountArn}, {@link UserArn}, {@link RoleArn}, {@link AssumedRoleArn} or {@link OidcProviderArn}
     * @throws InvalidArnException with a message such as {@code not an ARN: "x"}
     */
    static Arn parse(String arn) {
        return ArnParser.parse(arn);
    }

    /**
     * Parses a principal as written in a trust policy: an ARN, or a bare account ID which means
     * the account's root ({@code 12345678} is {@code acs:ram::12345678:root}).
     *
     * @param principal the text
     * @return the ARN
     * @throws InvalidArnException if it is neither
     */
    static Arn parsePrincipal(String principal) {
        if (principal != null && !principal.isEmpty() && AccountId.isDigits(principal)) {
            return new AccountArn(AccountId.of(principal));
        }
        return ArnParser.parse(principal);
    }
}
