package io.github.keycloaksts.session;

import java.time.Instant;
import java.util.Optional;

import io.github.keycloaksts.account.Account;
import io.github.keycloaksts.account.AccountRegistry;
import io.github.keycloaksts.federation.OidcProviders;
import io.github.keycloaksts.grant.SourceGrants;
import io.github.keycloaksts.platform.PlatformGuardrails;
import io.github.keycloaksts.policy.analysis.TrustTerms;
import io.github.keycloaksts.policy.arn.Arn;
import io.github.keycloaksts.policy.arn.OidcProviderArn;
import io.github.keycloaksts.policy.document.Effect;
import io.github.keycloaksts.policy.document.PolicyDocument;
import io.github.keycloaksts.policy.document.Statement;
import io.github.keycloaksts.policy.document.StsAction;
import io.github.keycloaksts.role.AssumableRole;
import io.github.keycloaksts.role.AssumableRoleStore;
import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.component.ComponentModel;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.services.managers.AuthenticationManager;

/**
 * A role session is live while everything that allowed it still holds, on both sides: its anchor principal (removed
 * by revocation, trust-policy changes and role deletion), the target realm (never disabled, renamed or given a
 * not-before since: {@link TargetRealmChanges}), the role and its maximum duration, the source account,
 * the source user (present, enabled, not revoked), the source session it was minted from, and the source grant.
 * Checked when Keycloak looks the session's user up, which its user cache repeats at most every
 * {@link RoleSessionStorageComponent#LIFESPAN_MILLIS} per node; the truth is in cluster-wide stores only.
 */
public final class LiveRoleSessions {

    private static final Logger LOG = Logger.getLogger(LiveRoleSessions.class);

    private final KeycloakSession session;
    private final RoleSessionMarks marks;

    public LiveRoleSessions(KeycloakSession session) {
        this.session = session;
        this.marks = new RoleSessionMarks(session);
    }

    /**
     * The user to issue a new role session of {@code role} in {@code target} to, the session having just been
     * authorized. It records {@code sourceClientId} (the internal ID of the client the subject token was issued to, or
     * null) and what the role's attached policies grant now, so that any later change of either ends it. {@code source}
     * names who acts, for the display claims ({@link RoleSessionDisplay#user} and the like).
     */
    public UserModel userFor(RealmModel target, AssumableRole role, UserModel anchorUser, RoleSessionHandle.Kind kind,
                             String sourceUserId, String sourceSessionId, String sourceClientId, int durationSeconds, String source) {
        ComponentModel component = RoleSessionStorageComponent.ensure(session, target);
        RoleSessionAnchors.Anchor anchor = RoleSessionAnchors.anchor(anchorUser)
                .orElseThrow(() -> new IllegalStateException("user " + anchorUser.getId() + " is not a role-session principal"));
        RoleSessionHandle handle = new RoleSessionHandle(kind, anchor.id(), sourceUserId, sourceSessionId, sourceClientId, durationSeconds,
                Time.currentTimeMillis(), AttachedPolicyDigest.of(role.attachedRoles()));
        return new RoleSessionUser(session, target, component, handle, anchor, RoleSessionDisplay.of(role.name(), target, source));
    }

    /** The role-session user {@code externalId} names, or null when it is not (or no longer) live. */
    UserModel lookUp(RealmModel target, ComponentModel component, String externalId) {
        return lookUp(target, component, externalId, 0);
    }

    /** As above, {@code depth} hops down a chain of role sessions ({@link RoleSessionChains}). */
    UserModel lookUp(RealmModel target, ComponentModel component, String externalId, int depth) {
        Optional<RoleSessionHandle> parsed = RoleSessionHandle.parse(externalId);
        if (parsed.isEmpty()) {
            return null;
        }
        Optional<String> misconfigured = RoleSessionStorageComponent.misconfiguration(component);
        if (misconfigured.isPresent()) {
            LOG.warnf("Refusing every role session of realm %s: %s", target.getName(), misconfigured.get());
            return null;
        }
        RoleSessionHandle handle = parsed.get();
        if (marks.handleRevoked(handle)) {
            return null;
        }
        if (marks.componentTombstoned(component.getId())) {
            return null; // the store was disabled, removed or re-typed once: nothing it served comes back
        }
        UserModel anchorUser = session.users().getUserById(target, handle.anchorId());
        Optional<RoleSessionAnchors.Anchor> anchor = RoleSessionAnchors.anchor(anchorUser);
        if (anchor.isEmpty() || anchor.get().console() != (handle.kind() == RoleSessionHandle.Kind.CONSOLE)
                || anchor.get().federated() != (handle.kind() == RoleSessionHandle.Kind.FEDERATED)) {
            return null; // revoked for good: the anchor is gone and its ID is never used again
        }
        Optional<String> dead = deadReason(target, handle, anchor.get(), depth);
        if (dead.isPresent()) {
            LOG.debugf("Role session %s of realm %s ended: %s", handle.encode(), target.getName(), dead.get());
            marks.revokeHandle(handle); // stays ended if the change is undone
            return null;
        }
        return new RoleSessionUser(session, target, component, handle, anchor.get(), null);
    }

    private Optional<String> deadReason(RealmModel target, RoleSessionHandle handle, RoleSessionAnchors.Anchor anchor, int depth) {
        if (marks.targetRealmEnded(handle, target.getId())) {
            return Optional.of("realm " + target.getName() + " was disabled, renamed or given a not-before after the session started");
        }
        if (marks.sourceUserRevoked(handle)) {
            return Optional.of("the source user's sessions were revoked");
        }
        ClientModel client = target.getClientById(anchor.roleClientId());
        Optional<AssumableRole> role = client == null ? Optional.empty() : new AssumableRoleStore(session, target).ofClient(client);
        if (role.isEmpty()) {
            return Optional.of("the role no longer exists");
        }
        if (handle.durationSeconds() > role.get().maxSessionDuration()) {
            return Optional.of("the role's maximum session duration was lowered below " + handle.durationSeconds() + " s");
        }
        if (handle.recordsPolicies() && !handle.policyDigest().equals(AttachedPolicyDigest.of(role.get().attachedRoles()))) {
            // Whatever changed them: /sts, the service account's role mappings, an attached role deleted or renamed,
            // a composite's child removed, the client of a client role renamed.
            return Optional.of("the role's attached policies changed since the session started");
        }
        Optional<Account> targetAccount = Account.of(session, target);
        if (targetAccount.isEmpty()) {
            return Optional.of("the target realm is no longer an account");
        }
        Optional<String> platform = PlatformGuardrails.liveSessionRefusal(session, role.get().arn(targetAccount.get().accountId()),
                new PlatformGuardrails.Parties(anchor.federated() ? null : anchor.accountId(), targetAccount.get().accountId(),
                        anchor.federated() ? PlatformGuardrails.WEB_IDENTITY
                                : handle.kind() == RoleSessionHandle.Kind.CHAINED ? PlatformGuardrails.ASSUMED_ROLE : PlatformGuardrails.USER,
                        role.get()), handle.durationSeconds());
        if (platform.isPresent()) {
            return Optional.of("refused by the platform: " + platform.get());
        }
        Optional<Instant> termEnded = termEnded(role.get(), anchor.federated()
                ? OidcProviderArn.of(targetAccount.get().accountId(), anchor.provider()).toString() : null, anchor.accountId());
        if (termEnded.isPresent()) {
            return Optional.of("the trust's term ended at " + termEnded.get());
        }
        if (anchor.federated()) {
            // An external subject: no source account, user or session here; its provider must still be usable.
            Optional<OidcProviders.OidcProvider> provider =
                    new OidcProviders(session, target).byAlias(handle.sourceUserId());
            if (provider.isEmpty() || !provider.get().enabled() || provider.get().problem() != null
                    || !provider.get().alias().equalsIgnoreCase(anchor.provider())) {
                return Optional.of("OIDC provider " + handle.sourceUserId() + " was removed, disabled or can no longer verify tokens");
            }
            return Optional.empty();
        }
        Optional<RealmModel> source = new AccountRegistry(session).realmOf(anchor.accountId());
        if (source.isEmpty()) {
            return Optional.of("account " + anchor.accountId() + " or the target account no longer exists");
        }
        RealmModel sourceRealm = source.get();
        long issuedAt = handle.issuedAtMillis() / 1000;
        if (!sourceRealm.isEnabled()) {
            return Optional.of("the source account's realm " + sourceRealm.getName() + " is disabled");
        }
        if (issuedAt <= sourceRealm.getNotBefore()) {
            return Optional.of("a not-before of the source realm was pushed after the session started");
        }
        if (handle.sourceClientId() != null) {
            ClientModel sourceClient = sourceRealm.getClientById(handle.sourceClientId());
            if (sourceClient == null || !sourceClient.isEnabled()) {
                return Optional.of("the source client was deleted or disabled");
            }
            if (issuedAt <= sourceClient.getNotBefore()) {
                return Optional.of("a not-before of source client " + sourceClient.getClientId() + " was pushed after the session started");
            }
        }
        String roleArn = role.get().arn(targetAccount.get().accountId()).toString();
        if (handle.kind() == RoleSessionHandle.Kind.CHAINED) {
            return RoleSessionChains.deadReason(session, this, sourceRealm, handle, roleArn, depth);
        }
        UserModel sourceUser = session.users().getUserById(sourceRealm, handle.sourceUserId());
        if (sourceUser == null) {
            return Optional.of("the source user was deleted");
        }
        if (!sourceUser.isEnabled()) {
            return Optional.of("the source user is disabled");
        }
        if (issuedAt <= session.users().getNotBeforeOfUser(sourceRealm, sourceUser)) {
            return Optional.of("a not-before of the source user was pushed after the session started");
        }
        if (RoleSessionAnchors.isPrincipal(sourceUser)) {
            return Optional.of("the source user is a role session");
        }
        if (handle.sourceSessionId() != null && !sourceSessionLive(source.get(), handle)) {
            return Optional.of("the source session ended");
        }
        if (!SourceGrants.allowsAssuming(source.get(), sourceUser, roleArn)) {
            return Optional.of("the source account no longer grants " + roleArn + " to its user");
        }
        return Optional.empty();
    }

    /**
     * When every Allow statement of the role's trust policy that names this session's source (its OIDC provider, or
     * its account, users or roles) carries a term ({@code DateLessThan acs:CurrentTime}) that has ended: the latest of
     * those terms. Empty while one of them still holds or has no term, and when none names the source (a trust change
     * has then removed the anchor already).
     */
    static Optional<Instant> termEnded(AssumableRole role, String providerArn, String accountId) {
        Optional<PolicyDocument> trust = role.readableTrustPolicy();
        if (trust.isEmpty()) {
            return Optional.empty();
        }
        Instant now = Instant.now();
        Instant latest = null;
        boolean named = false;
        for (Statement s : trust.get().statements()) {
            if (s.effect() != Effect.ALLOW || !s.covers(StsAction.ASSUME_ROLE) || !names(s, providerArn, accountId)) {
                continue;
            }
            named = true;
            Optional<Instant> expires = TrustTerms.expiryOf(s);
            if (expires.isEmpty() || !TrustTerms.isExpired(expires.get(), now)) {
                return Optional.empty();
            }
            latest = latest == null || expires.get().isAfter(latest) ? expires.get() : latest;
        }
        return named ? Optional.ofNullable(latest) : Optional.empty();
    }

    private static boolean names(Statement s, String providerArn, String accountId) {
        for (Arn principal : s.principals().arns()) {
            if (providerArn != null ? providerArn.equals(principal.toString())
                    : !(principal instanceof OidcProviderArn) && principal.accountId().value().equals(accountId)) {
                return true;
            }
        }
        return false;
    }

    private boolean sourceSessionLive(RealmModel source, RoleSessionHandle handle) {
        UserSessionModel userSession = session.sessions().getUserSession(source, handle.sourceSessionId());
        if (userSession == null) {
            userSession = session.sessions().getOfflineUserSession(source, handle.sourceSessionId());
        }
        return userSession != null
                && userSession.getState() != UserSessionModel.State.LOGGED_OUT
                && userSession.getState() != UserSessionModel.State.LOGGING_OUT
                && userSession.getUser() != null
                && handle.sourceUserId().equals(userSession.getUser().getId())
                && AuthenticationManager.isSessionValid(source, userSession);
    }
}
