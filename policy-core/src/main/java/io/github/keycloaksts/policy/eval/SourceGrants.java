package io.github.keycloaksts.policy.eval;

import io.github.keycloaksts.policy.PolicyValidationException;
import io.github.keycloaksts.policy.document.PolicyDocument;
import java.util.Collection;

/**
 * Builds the source side of an evaluation from the values of the {@code sts.assume-role} role
 * attribute (role ARN patterns a source account grants to its users).
 */
public final class SourceGrants {

    private SourceGrants() {
    }

    /**
     * @param arnPatterns e.g. {@code acs:ram::11223344:role/ecs-admin}, {@code acs:ram::11223344:role/*},
     *                    {@code acs:ram:*:11223344:role/ecs-*}, {@code *}
     * @return a permission policy allowing {@code sts:AssumeRole} on those roles (no statement if empty)
     * @throws PolicyValidationException naming the first invalid value
     * @see PolicyDocument#allowAssumeRole(Collection)
     */
    public static PolicyDocument fromPatterns(Collection<String> arnPatterns) {
        return PolicyDocument.allowAssumeRole(arnPatterns);
    }
}
