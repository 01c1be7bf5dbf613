package io.github.keycloaksts.adminui;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import io.github.keycloaksts.policy.arn.AccountId;
import io.github.keycloaksts.role.AssumableRole;
import io.github.keycloaksts.session.LiveRoleSession;
import io.github.keycloaksts.session.RoleSessionRevocation;
import io.github.keycloaksts.session.RoleSessions;
import org.keycloak.component.ComponentValidationException;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * The live sessions of a role on the admin console page: a dated list written into the entry each time it is saved
 * (the declarative page has no hook when it is read, and writing it on every exchange would be a row per exchange),
 * and an "End sessions" input applied on save with the same rules as {@code DELETE …/sessions}: {@code all}, a source
 * account ID, {@code user:<source user ID>}, or a session ID from the list.
 */
final class PageSessions {

    static final String ALL = "all";
    static final String USER_PREFIX = "user:";
    private static final String PENDING = PageSessions.class.getName() + ".pending:";
    private static final int SHOWN = 200;

    private PageSessions() {
    }

    /**
     * Checks the "End sessions" input of a saved entry and keeps it for {@link #apply}; returns the list to show after
     * those are ended.
     */
    static String prepare(KeycloakSession session, RealmModel realm, AssumableRole role, String roleArn, String componentId,
                          List<String> ends) {
        List<LiveRoleSession> live = new RoleSessions(session, realm).live(role, roleArn);
        for (String end : ends) {
            boolean known = ALL.equals(end) || AccountId.isValid(end)
                    || end.startsWith(USER_PREFIX) && RoleSessionRevocation.isSourceUserId(end.substring(USER_PREFIX.length()))
                    || live.stream().anyMatch(s -> end.equals(s.sessionId()));
            if (!known) {
                throw new ComponentValidationException("endSessions: " + end + " is not \"all\", a source account ID, user:<source user ID>"
                        + " or the ID of a live session of this role");
            }
        }
        session.setAttribute(PENDING + componentId, List.copyOf(ends));
        List<LiveRoleSession> remaining = live.stream().filter(s -> !endedBy(s, ends)).toList();
        return describe(remaining);
    }

    /** Ends what {@link #prepare} accepted for the entry {@code componentId}. */
    @SuppressWarnings("unchecked")
    static void apply(KeycloakSession session, RealmModel realm, AssumableRole role, String roleArn, String componentId) {
        List<String> ends = (List<String>) session.getAttribute(PENDING + componentId);
        session.removeAttribute(PENDING + componentId);
        if (ends == null) {
            return;
        }
        RoleSessionRevocation principals = new RoleSessionRevocation(session, realm);
        RoleSessions sessions = new RoleSessions(session, realm);
        for (String end : ends) {
            if (ALL.equals(end)) {
                principals.revoke(role, null);
            } else if (AccountId.isValid(end)) {
                principals.revoke(role, end);
            } else if (end.startsWith(USER_PREFIX)) {
                principals.revokeSourceUser(role, null, end.substring(USER_PREFIX.length()));
            } else {
                sessions.end(role, roleArn, end);
            }
        }
    }

    private static boolean endedBy(LiveRoleSession live, List<String> ends) {
        for (String end : ends) {
            if (ALL.equals(end) || end.equals(live.sourceAccountId()) || end.equals(live.sessionId())
                    || end.equals(USER_PREFIX + live.sourceUserId())) {
                return true;
            }
        }
        return false;
    }

    static String describe(List<LiveRoleSession> live) {
        StringBuilder text = new StringBuilder("As of ").append(Instant.now().truncatedTo(ChronoUnit.SECONDS))
                .append(" (save to refresh): ").append(live.size()).append(live.size() == 1 ? " live session" : " live sessions");
        List<LiveRoleSession> shown = new ArrayList<>(live.subList(0, Math.min(SHOWN, live.size())));
        for (LiveRoleSession s : shown) {
            text.append('\n').append(s.sessionId()).append("  ").append(s.kind()).append("  ")
                    .append(s.sourceIdentity()).append(" (user:").append(s.sourceUserId()).append(")  ")
                    .append(s.roleSessionName()).append("  until ").append(s.expiresAt());
        }
        if (live.size() > shown.size()) {
            text.append("\n… and ").append(live.size() - shown.size()).append(" more (GET /sts/roles/{role}/sessions)");
        }
        return text.toString();
    }
}
