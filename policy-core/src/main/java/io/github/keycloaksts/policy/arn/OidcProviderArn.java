package io.github.keycloaksts.policy.arn;

import static io.github.keycloaksts.policy.internal.Texts.quote;

import java.util.Objects;

import io.github.keycloaksts.policy.internal.Texts;

/**
 * An OIDC provider of an account {@code acs:ram::<accountId>:oidc-provider/<providerName>}: an external issuer
 * the account trusts (a {@code Federated} principal of trust policies). Provider names are case-sensitive.
 *
 * @param accountId    the account the provider belongs to
 * @param providerName 1-128 characters of {@code A-Z a-z 0-9 _ . -}
 */
public record OidcProviderArn(AccountId accountId, String providerName) implements Arn {

    /** Characters allowed in provider names besides ASCII letters and digits. */
    public static final String NAME_EXTRA_CHARS = "_.-";

    /** @throws InvalidArnException if the provider name is invalid */
    public OidcProviderArn {
        Objects.requireNonNull(accountId, "accountId");
        if (!isValidProviderName(providerName)) {
            throw new InvalidArnException("invalid OIDC provider name " + quote(providerName)
                    + " (1-128 of A-Z a-z 0-9 _ . -)");
        }
    }

    /**
     * @param accountId    8-16 digits
     * @param providerName the provider name
     * @return the ARN
     * @throws InvalidArnException if either part is invalid
     */
    public static OidcProviderArn of(String accountId, String providerName) {
        return new OidcProviderArn(AccountId.of(accountId), providerName);
    }

    /**
     * @param arn {@code acs:ram::<accountId>:oidc-provider/<providerName>}
     * @return the ARN
     * @throws InvalidArnException if it is not a valid OIDC provider ARN
     */
    public static OidcProviderArn parse(String arn) {
        return ArnParser.parseAs(arn, OidcProviderArn.class, "an OIDC provider");
    }

    /**
     * @param name any string, may be null
     * @return whether it is 1-128 characters of {@code A-Z a-z 0-9 _ . -}
     */
    public static boolean isValidProviderName(String name) {
        return name != null && !name.isEmpty() && name.length() <= 128 && Texts.isNameChars(name, NAME_EXTRA_CHARS);
    }

    /**
     * The identity of one external subject of this provider, e.g.
     * {@code acs:ram::11223344:oidc-provider/github/repo:org/app:ref:refs/heads/main}: the {@code source_identity}
     * of role tokens. Not an {@link Arn} (a subject may contain {@code :}), only its text.
     *
     * @param subject the external token's {@code sub}
     * @return the text
     */
    public String subjectIdentity(String subject) {
        return this + "/" + subject;
    }

    @Override
    public String toString() {
        return PREFIX + accountId.value() + ":oidc-provider/" + providerName;
    }
}
