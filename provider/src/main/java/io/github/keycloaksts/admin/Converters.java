package io.github.keycloaksts.admin;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.keycloaksts.account.Account;
import io.github.keycloaksts.admin.representation.AccountRepresentation;
import io.github.keycloaksts.admin.representation.GrantRepresentation;
import io.github.keycloaksts.admin.representation.PolicyRepresentation;
import io.github.keycloaksts.admin.representation.RevokedSessionsRepresentation;
import io.github.keycloaksts.admin.representation.RoleRepresentation;
import io.github.keycloaksts.admin.representation.RoleSessionRepresentation;
import io.github.keycloaksts.admin.representation.TrustChangePreviewRepresentation;
import io.github.keycloaksts.grant.SourceGrants;
import io.github.keycloaksts.policy.PolicyValidationException;
import io.github.keycloaksts.policy.document.PolicyDocument;
import io.github.keycloaksts.policy.document.PolicyWriter;
import io.github.keycloaksts.role.AssumableRole;
import io.github.keycloaksts.role.AttachedPolicy;
import io.github.keycloaksts.session.LiveRoleSession;
import io.github.keycloaksts.session.TrustChangePreview;
import org.keycloak.models.RoleModel;

/** The one place where the admin API turns models into its representations ({@code admin/representation/}). */
final class Converters {

    private Converters() {
    }

    static AccountRepresentation account(Account account) {
        return new AccountRepresentation(account.accountId(), account.alias(), account.arn());
    }

    static RoleRepresentation role(Account account, AssumableRole role) {
        Long created = role.createdEpochMillis();
        JsonNode trustPolicy = null;
        String trustPolicyError = null;
        try {
            trustPolicy = trustPolicy(role.trustPolicy());
        } catch (PolicyValidationException e) {
            trustPolicyError = e.getMessage(); // a hand-edited import: the exchange treats the role as trusting nobody
        }
        return new RoleRepresentation(role.name(), role.arn(account.accountId()).toString(), role.description(),
                role.maxSessionDuration(), created == null ? null : Instant.ofEpochMilli(created).toString(),
                trustPolicy, trustPolicyError, role.trustedPrincipals(), policies(role.attachedPolicies()));
    }

    static TrustChangePreviewRepresentation preview(String operation, AssumableRole role,
                                                                                            TrustChangePreview.Preview p) {
        return new TrustChangePreviewRepresentation(true, operation, role.name(), p.gained(),
                p.lost(), p.endingAccounts(),
                new TrustChangePreviewRepresentation.SessionsEnding(p.endingSessionCount(),
                        p.endingSessions()));
    }

    static JsonNode trustPolicy(PolicyDocument trustPolicy) {
        return PolicyWriter.toJsonNode(trustPolicy);
    }

    static PolicyRepresentation policy(AttachedPolicy policy) {
        return new PolicyRepresentation(policy.policyName(), policy.clientId());
    }

    static PolicyRepresentation policy(RoleModel policy) {
        return policy(AttachedPolicy.of(policy));
    }

    static List<PolicyRepresentation> policies(List<AttachedPolicy> policies) {
        return policies.stream().map(Converters::policy).toList();
    }

    /** A granting role: each value checked by {@link SourceGrants#grantOf}, the check the exchange runs. */
    static GrantRepresentation grant(RoleModel role) {
        AttachedPolicy id = AttachedPolicy.of(role);
        List<String> allows = new ArrayList<>();
        List<GrantRepresentation.InvalidValue> invalid = new ArrayList<>();
        for (String value : SourceGrants.patternsOf(role)) {
            try {
                SourceGrants.grantOf(value);
                allows.add(value);
            } catch (PolicyValidationException e) {
                invalid.add(new GrantRepresentation.InvalidValue(value, e.getMessage()));
            }
        }
        return new GrantRepresentation(id.policyName(), id.clientId(), allows, invalid);
    }

    static RoleSessionRepresentation session(LiveRoleSession live) {
        return new RoleSessionRepresentation(live.sessionId(), live.kind(), live.sourceAccountId(), live.sourceIdentity(),
                live.sourceUserId(), live.sourceSessionId(), live.roleSessionName(), live.assumedRoleArn(), live.clientId(),
                live.ipAddress(), live.tokenId(), live.issuedAt().toString(), live.expiresAt().toString(), live.sessionTags());
    }

    static RevokedSessionsRepresentation revoked(AssumableRole role, List<String> accounts) {
        return new RevokedSessionsRepresentation(role.name(), accounts);
    }
}
