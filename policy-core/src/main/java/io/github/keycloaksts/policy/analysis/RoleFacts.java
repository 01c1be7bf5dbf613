package io.github.keycloaksts.policy.analysis;

import java.time.Instant;

/**
 * One assumable role and its trust policy as stored. Raw facts: nothing is validated.
 *
 * @param accountId       the account owning the role
 * @param roleName        the role's name
 * @param trustPolicyJson the trust policy as stored, or null for none (a role without one trusts nobody); a
 *                        document the reader refuses is a finding, not an error
 * @param adminGrade      whether the role carries admin-grade permissions (the caller decides what that means)
 * @param trustSince      when the trust policy was last set, or null if unknown (then
 *                        {@link AnalysisOptions#trackingSince()} stands in)
 */
public record RoleFacts(String accountId, String roleName, String trustPolicyJson, boolean adminGrade,
                        Instant trustSince) {
}
