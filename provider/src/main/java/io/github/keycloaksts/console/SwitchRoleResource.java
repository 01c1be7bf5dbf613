package io.github.keycloaksts.console;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.github.keycloaksts.account.Account;
import io.github.keycloaksts.account.AccountService;
import io.github.keycloaksts.account.RealmIssuer;
import io.github.keycloaksts.assume.AssumeRoleAudit;
import io.github.keycloaksts.assume.AssumeRoleAuthorizer;
import io.github.keycloaksts.assume.AssumeRoleRefusal;
import io.github.keycloaksts.assume.EventDetails;
import io.github.keycloaksts.assume.SourceMfa;
import io.github.keycloaksts.grant.PrincipalTags;
import io.github.keycloaksts.policy.arn.RoleArn;
import io.github.keycloaksts.policy.eval.DecisionSide;
import io.github.keycloaksts.policy.tags.SessionTags;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.events.Details;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.services.managers.AuthenticationManager;

/**
 * {@code /realms/{sourceRealm}/sts/switch-role}: the Switch Role page. The same two-sided authorization,
 * conditions and audit as the token exchange; on success a single-use ticket carries the browser to the target
 * realm, which opens the role session ({@link RoleConsoleResource#enter}).
 */
final class SwitchRoleResource {

    static final String CSRF_PURPOSE = "switch-role";
    /** The query (and hidden field) of a Switch Role page opened from the account console: Cancel goes back there. */
    static final String FROM_ACCOUNT = "from=account";
    static final String AUTH_METHOD = "sts-switch-role";
    static final int TICKET_SECONDS = 60;
    static final int MAX_INPUT = 255;
    static final Set<String> COLORS = Set.of("red", "orange", "yellow", "green", "blue");
    private static final Logger LOG = Logger.getLogger(SwitchRoleResource.class);

    private final KeycloakSession session;
    private final RealmModel realm;
    /** The form of a POST, for the page that answers it. */
    private MultivaluedMap<String, String> submitted;

    SwitchRoleResource(KeycloakSession session) {
        this.session = session;
        this.realm = session.getContext().getRealm();
    }

    /** Longer than any alias, account ID or role name: cut so the refusal (and its event) stays small. */
    private static String bounded(String value) {
        return value != null && value.length() > MAX_INPUT ? value.substring(0, MAX_INPUT) : value;
    }

    /** Whether any name or value holds a control character (C0, DEL, C1), as the exchange's parameters are checked. */
    static boolean hasControlCharacters(MultivaluedMap<String, String> parameters) {
        for (Map.Entry<String, List<String>> entry : parameters.entrySet()) {
            if (hasControlCharacter(entry.getKey())) {
                return true;
            }
            for (String value : entry.getValue()) {
                if (hasControlCharacter(value)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean hasControlCharacter(String text) {
        return text != null && text.chars().anyMatch(Character::isISOControl);
    }

    static String color(String value) {
        return value != null && COLORS.contains(value) ? value : null;
    }

    Response page() {
        AuthenticationManager.AuthResult sso = AuthenticationManager.authenticateIdentityCookie(session, realm, true);
        if (sso == null) {
            return Response.seeOther(ConsoleSupport.loginUrl(session, realm.getName(), selfUrl(), null)).build();
        }
        return form(sso, null, null, null, Response.Status.OK);
    }

    Response submit(MultivaluedMap<String, String> form) {
        this.submitted = form;
        AuthenticationManager.AuthResult sso = AuthenticationManager.authenticateIdentityCookie(session, realm, true);
        if (sso == null) {
            return Response.seeOther(ConsoleSupport.loginUrl(session, realm.getName(), selfUrl(), null)).build();
        }
        if (hasControlCharacters(form) || hasControlCharacters(session.getContext().getUri().getQueryParameters())) {
            // Refused before anything is looked up or audited: no control character reaches either realm's events,
            // the ticket, the role session's notes or the recent-roles cookie (as the exchange's invalid_request).
            return form(sso, "stsInvalidCharacters", null, null, Response.Status.BAD_REQUEST);
        }
        if (!ConsoleSupport.csrfValid(sso.session(), CSRF_PURPOSE, form.getFirst("csrf"))) {
            return form(sso, "stsSessionExpired", bounded(form.getFirst("account")), bounded(form.getFirst("role")), Response.Status.BAD_REQUEST);
        }
        String rawAccount = ConsoleSupport.trimToNull(form.getFirst("account"));
        String rawRole = ConsoleSupport.trimToNull(form.getFirst("role"));
        boolean tooLong = rawAccount != null && rawAccount.length() > MAX_INPUT || rawRole != null && rawRole.length() > MAX_INPUT;
        String accountInput = bounded(rawAccount);
        String roleInput = bounded(rawRole);
        String displayName = ConsoleSupport.trimToNull(form.getFirst("displayName"));
        if (displayName != null && displayName.length() > 64) {
            displayName = displayName.substring(0, 64);
        }
        String color = color(form.getFirst("color"));

        String requestId = AssumeRoleAudit.newRequestId();
        Optional<RealmModel> target = accountInput == null || tooLong ? Optional.empty()
                : new AccountService(session).findByAliasOrAccountId(accountInput);
        try {
            if (target.isEmpty()) {
                throw AssumeRoleRefusal.denied("account " + accountInput + " does not exist");
            }
            Account targetAccount = Account.of(session, target.get()).orElseThrow();
            if (roleInput == null || !RoleArn.isValidRoleName(roleInput)) {
                throw AssumeRoleRefusal.denied("role name " + roleInput + " is not valid");
            }
            AssumeRoleAuthorizer.Grant grant = AssumeRoleAuthorizer.authorize(session, new AssumeRoleAuthorizer.Request(
                    realm, sso.user(), false, target.get(), RoleArn.of(targetAccount.accountId(), roleInput), null, null, null, null,
                    ConsoleSupport.CONSOLE_CLIENT_ID, SourceMfa.present(session, realm, sso.session()),
                    AssumeRoleAudit.address(session.getContext().getConnection().getRemoteAddr()), null,
                    AssumeRoleAuthorizer.Tagging.forUser(session, realm, sso.user(), Map.of(), List.of())));
            int duration = grant.role().maxSessionDuration(); // a console session lasts the role's session duration
            String ticket = issueTicket(target.get(), grant, sso, duration, displayName, color);
            audit(target.get(), sso, grant.roleArn().toString(), grant.sessionName(), null,
                    AssumeRoleAudit.allowedReason(grant.decision(), DecisionSide.SOURCE_GRANT),
                    AssumeRoleAudit.allowedReason(grant.decision(), DecisionSide.TRUST_POLICY), requestId, grant.tags());

            List<RecentRoles.Entry> recent = RecentRoles.read(session.getContext().getRequestHeaders().getCookies().get(RecentRoles.COOKIE));
            RecentRoles.Entry entry = new RecentRoles.Entry(accountInput, roleInput, displayName, color);
            URI enter = withTicket(ConsoleSupport.stsUrl(session, target.get().getName(), "enter"), ticket);
            return Response.seeOther(enter)
                    .cookie(RecentRoles.write(recent, entry, "/realms/" + realm.getName() + "/sts/", "https".equals(selfUrl().getScheme())))
                    .build();
        } catch (AssumeRoleRefusal failure) {
            String roleArn = target.flatMap(t -> Account.of(session, t)).filter(a -> roleInput != null && RoleArn.isValidRoleName(roleInput))
                    .map(a -> RoleArn.of(a.accountId(), roleInput).toString()).orElse(accountInput + "/" + roleInput);
            audit(target.orElse(null), sso, roleArn, null, failure, failure.sourceReason(), failure.targetReason(), requestId,
                    SessionTags.none());
            // Terse and identical whatever the cause: no hint whether the account or the role exists. The request ID
            // lets the user's administrator (and the target's) find the reason in their own events.
            return form(sso, "stsSwitchRoleRefused", accountInput, roleInput, Response.Status.FORBIDDEN, requestId);
        } catch (RuntimeException e) {
            LOG.warnf(e, "Switch Role of %s to %s/%s failed", sso.user().getUsername(), accountInput, roleInput);
            audit(target.orElse(null), sso, accountInput + "/" + roleInput, null, AssumeRoleRefusal.denied("internal error: " + e),
                    "internal error", "internal error", requestId, SessionTags.none());
            return form(sso, "stsSwitchRoleRefused", accountInput, roleInput, Response.Status.FORBIDDEN, requestId);
        }
    }

    private static URI withTicket(URI base, String ticket) {
        return UriBuilder.fromUri(base).queryParam("ticket", ticket).build();
    }

    /**
     * A single-use ticket for the target realm, bound to this browser: the ticket carries the SHA-256 of a random
     * secret that only this browser gets, in an HttpOnly, SameSite=Lax cookie scoped to the target realm's sts
     * path. Whoever else is handed the ticket (login CSRF into the switcher's role session) cannot redeem it.
     * Both live in Keycloak's single-use object store (cluster-wide), keyed by the target realm.
     */
    private String issueTicket(RealmModel target, AssumeRoleAuthorizer.Grant grant, AuthenticationManager.AuthResult sso, int duration,
                               String displayName, String color) {
        String ticket = ConsoleSupport.randomToken();
        String browserSecret = ConsoleSupport.randomToken();
        RoleSessionNotes.Facts facts = new RoleSessionNotes.Facts(grant.role().name(), grant.roleArn().toString(), grant.sessionName(),
                grant.sourceArn().toString(), realm.getName(), sso.user().getUsername(), grant.sourceAccount().accountId(),
                sso.user().getId(), RealmIssuer.of(session.getContext().getUri().getBaseUri(), realm.getName()),
                (long) Time.currentTime() + duration, duration, sso.session().getId(), displayName, color, grant.tags());
        SwitchTicket.issue(session, target, ticket, TICKET_SECONDS, facts, ConsoleSupport.sha256(browserSecret));
        SwitchTicket.setBindingCookie(session, target.getName(), browserSecret);
        return ticket;
    }

    private Response form(AuthenticationManager.AuthResult sso, String error, String account, String role, Response.Status status) {
        return form(sso, error, account, role, status, null);
    }

    private Response form(AuthenticationManager.AuthResult sso, String error, String account, String role, Response.Status status,
                          String requestId) {
        LoginFormsProvider forms = session.getProvider(LoginFormsProvider.class)
                .setAttribute("stsActionUrl", selfUrl().toString())
                .setAttribute("stsCsrf", ConsoleSupport.csrfToken(sso.session(), CSRF_PURPOSE))
                .setAttribute("stsUsername", sso.user().getUsername())
                .setAttribute("stsAccount", account == null ? "" : account)
                .setAttribute("stsRole", role == null ? "" : role)
                .setAttribute("stsRecent", RecentRoles.read(session.getContext().getRequestHeaders().getCookies().get(RecentRoles.COOKIE))
                        .stream().map(RecentRoles.Entry::toTemplate).toList())
                .setAttribute("stsPrincipalTags", principalTags(sso.user()))
                .setAttribute("stsFrom", fromAccount() ? "account" : "")
                .setStatus(status);
        if (fromAccount()) {
            forms.setAttribute("stsCancelUrl", accountConsoleUrl());
        }
        if (error != null) {
            forms.setAttribute("stsError", error);
        }
        if (requestId != null) {
            forms.setAttribute("stsRequestId", requestId);
        }
        return forms.createForm("sts-switch-role.ftl");
    }

    /** Whether the page was opened from the account console ({@code ?from=account}, or the form's hidden field). */
    private boolean fromAccount() {
        if ("account".equals(session.getContext().getUri().getQueryParameters().getFirst("from"))) {
            return true;
        }
        return submitted != null && "account".equals(submitted.getFirst("from"));
    }

    /** This realm's account console: the only place Cancel leads (never a URL from the request). */
    private String accountConsoleUrl() {
        return UriBuilder.fromUri(session.getContext().getUri().getBaseUri()).path("realms").path(realm.getName()).path("account")
                .path("/").build().toString();
    }

    /**
     * The user's principal tags, read only, as a role session that accepts tags carries them; none where the realm lets
     * users write them (a switch is then refused, see {@link PrincipalTags}).
     */
    private List<Map<String, String>> principalTags(UserModel user) {
        PrincipalTags.Read read = PrincipalTags.of(session, realm, user);
        return read.untrusted() != null ? List.of()
                : read.tags().entrySet().stream().map(e -> Map.of("key", e.getKey(), "value", e.getValue())).toList();
    }

    private URI selfUrl() {
        return ConsoleSupport.stsUrl(session, realm.getName(), "switch-role");
    }

    /** The switch, seen by both companies: TOKEN_EXCHANGE events in the source and the target realm. */
    private void audit(RealmModel target, AuthenticationManager.AuthResult sso, String roleArn, String sessionName,
                       AssumeRoleRefusal failure, String sourceReason, String targetReason, String requestId, SessionTags tags) {
        EventBuilder source = AssumeRoleAudit.sourceEvent(session, session.getContext().getConnection(), realm, sso.user(),
                ConsoleSupport.CONSOLE_CLIENT_ID, sso.session().getId(), AUTH_METHOD, target, roleArn, sessionName)
                .detail(EventDetails.REQUEST_ID, requestId)
                .detail(Details.REASON, sourceReason); // each side's reasons stay with that side
        if (!tags.isEmpty()) {
            source.detail(EventDetails.SESSION_TAGS, EventDetails.tags(tags));
        }
        AssumeRoleAudit.finish(source, failure);
        if (target != null) {
            EventBuilder targetEvent = new EventBuilder(target, session, session.getContext().getConnection())
                    .event(EventType.TOKEN_EXCHANGE).client(ConsoleSupport.CONSOLE_CLIENT_ID)
                    .detail(Details.AUTH_METHOD, AUTH_METHOD).detail(EventDetails.ROLE_ARN, roleArn).detail(Details.REASON, targetReason)
                    .detail(EventDetails.REQUEST_ID, requestId);
            AssumeRoleAudit.sourceDetails(session, targetEvent, realm, sso.user());
            if (sessionName != null) {
                targetEvent.detail(EventDetails.ROLE_SESSION_NAME, sessionName);
            }
            if (!tags.isEmpty()) {
                targetEvent.detail(EventDetails.SESSION_TAGS, EventDetails.tags(tags));
            }
            AssumeRoleAudit.finish(targetEvent, failure);
        }
    }
}
