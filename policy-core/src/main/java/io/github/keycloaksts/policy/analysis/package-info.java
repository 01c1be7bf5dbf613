/**
 * A platform-wide trust analyzer, like AWS IAM Access Analyzer: who, from outside an account, can assume its roles,
 * and what is wrong with that. Keycloak-free: the server gathers the facts, this package judges them.
 *
 * <p>Inputs ({@link io.github.keycloaksts.policy.analysis.PlatformSnapshot}): the accounts
 * ({@link io.github.keycloaksts.policy.analysis.AccountFacts}: ID, realm, organization), the roles with their stored
 * trust policies ({@link io.github.keycloaksts.policy.analysis.RoleFacts}), the Keycloak roles granting
 * {@code sts.assume-role} ({@link io.github.keycloaksts.policy.analysis.GrantFacts}), usage and live sessions per
 * {@link io.github.keycloaksts.policy.analysis.EdgeKey} (role ARN + source: the principal's account ID, or the OIDC
 * provider's ARN), and the account IDs of deleted accounts. {@link io.github.keycloaksts.policy.analysis.AnalysisOptions}
 * holds the clock and thresholds.
 *
 * <p>Output ({@link io.github.keycloaksts.policy.analysis.TrustAnalysis}): one
 * {@link io.github.keycloaksts.policy.analysis.TrustEdge} per principal of each Allow statement covering
 * {@code sts:AssumeRole} (Deny statements and {@code sts:TagSession}-only statements draw no edge), and
 * {@link io.github.keycloaksts.policy.analysis.Finding}s, sorted; {@code into(accountId)} and {@code outOf(accountId)}
 * give an account's view. {@link io.github.keycloaksts.policy.analysis.TrustGraphReport} renders an analysis as a
 * self-contained HTML page.
 *
 * <p>Findings ({@link io.github.keycloaksts.policy.analysis.FindingKind}), and the judgements behind them:
 * <ul>
 *   <li>HIGH {@code UNKNOWN_ACCOUNT} / {@code RETIRED_ACCOUNT}: a principal's account ID that no account holds (that a
 *       deleted account held): whoever is given the ID inherits the trust.</li>
 *   <li>HIGH {@code WILDCARD_PRINCIPAL}, {@code BROAD_OIDC_SUB}, {@code UNREADABLE_TRUST_POLICY}: a stored trust
 *       policy the reader refuses (imported realms), by the refusal's
 *       {@link io.github.keycloaksts.policy.PolicyValidationException#reason() reason}. The server fails closed, so the
 *       role refuses every assumption until the document is fixed. The reader refuses a Federated Allow without a
 *       positive, owner-pinning {@code oidc:sub} condition, so such documents land here as {@code BROAD_OIDC_SUB}.</li>
 *   <li>MEDIUM {@code NO_EXTERNAL_ID}: a principal of another account that is a third party (not of the role's
 *       account's organization; an account without an organization, or unknown, is a third party to all), trusted
 *       without a positive {@code sts:ExternalId} condition ({@link io.github.keycloaksts.policy.analysis.TrustTerms#requiresExternalId}).</li>
 *   <li>HIGH {@code ADMIN_ROLE_TRUSTED_CROSS_ACCOUNT}: on each cross-account or federated edge of an admin-grade
 *       role.</li>
 *   <li>LOW {@code UNUSED_TRUST}: a cross-account or federated edge without live sessions whose last allowed
 *       assumption is older than {@code unusedAfter}, or never used since the later of the role's {@code trustSince}
 *       and {@code trackingSince} (not judged when both are unknown).</li>
 *   <li>INFO {@code TRUST_EXPIRING} / LOW {@code TRUST_EXPIRED}: the statement's term
 *       ({@link io.github.keycloaksts.policy.analysis.TrustTerms#expiryOf}: {@code DateLessThan[Equals]} on
 *       {@code acs:CurrentTime}) ends within {@code expiringWithin} / has ended. An expired edge allows nothing, so it
 *       gets no other finding.</li>
 *   <li>{@code BROAD_GRANT}: an {@code sts.assume-role} value of {@code *} or of any account (MEDIUM), or of every
 *       role of another account such as {@code acs:ram::<id>:role/*} (MEDIUM). Every role of the grant's own account
 *       is LOW: the account's own administrators decide both sides, but it still includes admin-grade roles and
 *       roles created later. LOW {@code UNREADABLE_GRANT}: a value that is not a role ARN pattern.</li>
 * </ul>
 *
 * <pre>{@code
 * TrustAnalysis all = new TrustAnalyzer().analyze(snapshot, new AnalysisOptions(Instant.now(), null, null, since));
 * String page = TrustGraphReport.html(all.into("11223344"), "Who can assume roles of 11223344");
 * }</pre>
 */
package io.github.keycloaksts.policy.analysis;
