package io.github.keycloaksts.admin;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.github.keycloaksts.account.Account;
import io.github.keycloaksts.account.AccountRegistry;
import io.github.keycloaksts.account.AccountService;
import io.github.keycloaksts.account.PlatformAdministrators;
import io.github.keycloaksts.policy.arn.AccountId;
import jakarta.enterprise.context.ContextNotActiveException;
import org.keycloak.Config;
import org.keycloak.events.admin.OperationType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ModelDuplicateException;
import org.keycloak.models.ModelException;
import org.keycloak.models.RealmModel;
import org.keycloak.provider.ProviderEvent;
import org.keycloak.services.resources.admin.AdminAuth;

/**
 * A realm was created (Keycloak's {@code RealmPostCreateEvent}, in the creation's transaction) and its representation
 * carries {@link Account#ACCOUNT_ID_ATTRIBUTE}: only a platform administrator ({@link PlatformAdministrators}) or an
 * import at start-up ({@code --import-realm}, {@code kc.sh import}) may give a realm an ID that way.
 *
 * <p>Keycloak fires the event on every path that creates a realm ({@code POST /admin/realms} from the admin console,
 * kcadm or a script; imports), and tells us nothing about who asked. The caller is read as Keycloak's {@code AdminRoot}
 * left it: it authenticates every admin request and puts the bearer token into the session's context. A start-up
 * import runs outside any HTTP request (Keycloak's context then has no request). A request that carries no
 * administrator is refused too: fail closed.
 *
 * <p>A refusal throws, so Keycloak rolls the whole creation back and no realm is left behind; the admin event that
 * records it is written in the master realm (the creator's realm; the new one will not exist) in a transaction of its
 * own.
 */
public final class RealmCreation {

    static final String ACCOUNT_RESOURCE = "STS_ACCOUNT";

    private RealmCreation() {
    }

    /** Keycloak's model events, as the lifecycle listener hands them on: first, so a refusal undoes the creation. */
    public static void onEvent(ProviderEvent event) {
        if (event instanceof RealmModel.RealmPostCreateEvent created) {
            created(created.getKeycloakSession(), created.getCreatedRealm());
        }
    }

    static void created(KeycloakSession session, RealmModel realm) {
        String requested = realm.getAttribute(Account.ACCOUNT_ID_ATTRIBUTE);
        if (requested == null || AccountRegistry.isMaster(realm)) {
            return;
        }
        Optional<AdminAuth> caller = AdminRequest.current(session);
        boolean inRequest = inHttpRequest(session);
        if (caller.isPresent() ? !PlatformAdministrators.isOne(session, caller.get()) : inRequest) {
            throw refuseCreator(session, realm, requested, caller);
        }
        if (!AccountId.isValid(requested)) {
            throw new ModelException("realm attribute " + Account.ACCOUNT_ID_ATTRIBUTE + ": must be 8 to 16 digits");
        }
        AccountRegistry registry = new AccountRegistry(session);
        if (registry.check(realm, requested) == AccountRegistry.Problem.RETIRED) {
            throw refuseRetired(session, realm, requested, registry.retiredFrom(requested).orElse("?"), caller);
        }
        registry.claimOnCreation(realm, requested); // a taken ID: ModelDuplicateException, Keycloak's 409
        AccountService.useStsAccountTheme(realm);
    }

    /** False only where Keycloak's context says no HTTP request is being served (start-up import, {@code kc.sh import}). */
    private static boolean inHttpRequest(KeycloakSession session) {
        try {
            return session.getContext().getHttpRequest() != null;
        } catch (ContextNotActiveException e) {
            return false;
        }
    }

    private static RuntimeException refuseCreator(KeycloakSession session, RealmModel realm, String requested,
                                                  Optional<AdminAuth> caller) {
        String message = "realm attribute " + Account.ACCOUNT_ID_ATTRIBUTE
                + ": account IDs are assigned by administrators of the master realm; create the realm without it";
        String reason = "creating realm " + realm.getName() + " with " + Account.ACCOUNT_ID_ATTRIBUTE + "=" + requested
                + " refused: account IDs are assigned by administrators of the master realm; "
                + caller.map(auth -> auth.getUser().getUsername() + " of realm " + auth.getRealm().getName() + " is not one")
                        .orElse("the request carries no administrator");
        RealmModel master = master(session);
        if (caller.isPresent() && master != null) {
            return AdminRequest.refuse(session, master, AdminRequest.eventBuilder(session, master).orElseThrow()
                            .operation(OperationType.CREATE).resource(ACCOUNT_RESOURCE).resourcePath(realm.getName())
                            .representation(attempt(realm, requested)),
                    "NoPermission.AccountId", message, reason);
        }
        if (master != null) {
            return AdminRequest.refuseUnattributed(session, master, OperationType.CREATE, ACCOUNT_RESOURCE,
                    "NoPermission.AccountId", message, reason);
        }
        return AdminApiException.forbidden("NoPermission.AccountId", message);
    }

    /** A retired ID: 409 to a request, recorded as a refusal; at start-up, the import fails with the same message. */
    private static RuntimeException refuseRetired(KeycloakSession session, RealmModel realm, String requested,
                                                  String formerRealm, Optional<AdminAuth> caller) {
        String message = "realm attribute " + Account.ACCOUNT_ID_ATTRIBUTE + ": " + requested
                + " is the retired ID of a deleted account and is never given to a realm automatically;"
                + " to reinstate it, create the realm without the attribute, then PUT /admin/realms/" + realm.getName()
                + "/sts/account {\"accountId\":\"" + requested + "\",\"reinstate\":true} as a platform administrator";
        RealmModel master = master(session);
        if (caller.isEmpty() || master == null) {
            return new ModelDuplicateException(message);
        }
        AdminRequest.refuse(session, master, AdminRequest.eventBuilder(session, master).orElseThrow()
                        .operation(OperationType.CREATE).resource(ACCOUNT_RESOURCE).resourcePath(realm.getName())
                        .representation(attempt(realm, requested)),
                "EntityAlreadyExists.AccountId", message, "creating realm " + realm.getName() + " with "
                        + Account.ACCOUNT_ID_ATTRIBUTE + "=" + requested + " refused: the ID was retired when realm "
                        + formerRealm + " was deleted; only an explicit reinstatement gives it again");
        return AdminApiException.conflict("EntityAlreadyExists.AccountId", message);
    }

    private static Map<String, String> attempt(RealmModel realm, String requested) {
        Map<String, String> attempt = new LinkedHashMap<>();
        attempt.put("realm", realm.getName());
        attempt.put("accountId", requested);
        return attempt;
    }

    private static RealmModel master(KeycloakSession session) {
        return session.realms().getRealmByName(Config.getAdminRealm());
    }
}
