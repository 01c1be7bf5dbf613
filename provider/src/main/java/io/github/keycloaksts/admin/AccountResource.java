package io.github.keycloaksts.admin;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.keycloaksts.account.Account;
import io.github.keycloaksts.account.AccountRegistry;
import io.github.keycloaksts.account.AccountService;
import io.github.keycloaksts.account.PlatformAdministrators;
import io.github.keycloaksts.admin.representation.AccountRepresentation;
import io.github.keycloaksts.assume.EventDetails;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.keycloak.events.admin.OperationType;
import org.keycloak.models.ModelDuplicateException;
import org.keycloak.services.resources.admin.AdminAuth;

/** {@code /sts/account}: the realm's account identity. Anyone with {@code view-realm} reads it; only the platform gives it. */
public final class AccountResource {

    static final String ACCOUNT_RESOURCE = "STS_ACCOUNT";

    private final AdminContext context;

    AccountResource(AdminContext context) {
        this.context = context;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public AccountRepresentation get() {
        context.auth.realm().requireViewRealm();
        return Converters.account(context.account());
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public AccountRepresentation put(String body) {
        context.auth.realm().requireManageRealm();
        requirePlatformAdministrator();
        JsonNode json = RequestBody.object(body, Set.of("accountId", "reinstate"));
        String accountId = context.requiredText(json, "accountId");
        JsonNode reinstateField = json.get("reinstate");
        if (reinstateField != null && !reinstateField.isBoolean()) {
            throw AdminApiException.badRequest("InvalidParameter.Reinstate", "reinstate: must be true or false");
        }
        boolean reinstate = reinstateField != null && reinstateField.booleanValue();
        AccountService accounts = new AccountService(context.session);
        AccountRegistry.Problem problem = accounts.validateAccountId(context.realm, accountId);
        if (problem == AccountRegistry.Problem.MALFORMED) {
            throw AdminApiException.badRequest("InvalidParameter.AccountId", "accountId: must be 8 to 16 digits");
        }
        if (problem == AccountRegistry.Problem.TAKEN) {
            throw takenAccountId(accountId);
        }
        if (problem == AccountRegistry.Problem.RETIRED && !reinstate) {
            throw AdminApiException.conflict("EntityAlreadyExists.AccountId", "accountId: " + accountId
                    + " is the retired ID of a deleted account; to give it to this realm, reinstate it explicitly:"
                    + " {\"accountId\":\"" + accountId + "\",\"reinstate\":true}");
        }
        if (problem != AccountRegistry.Problem.RETIRED && reinstate) {
            // The admin event would say "reinstated": only true for an ID a deleted account held.
            throw AdminApiException.badRequest("InvalidParameter.Reinstate", "reinstate: " + accountId + " is not a retired account ID");
        }
        String retiredFrom = reinstate ? new AccountRegistry(context.session).retiredFrom(accountId).orElse("unknown") : null;
        Account account;
        try {
            account = accounts.assign(context.realm, accountId, reinstate);
        } catch (ModelDuplicateException e) {
            throw takenAccountId(accountId); // given to another realm by a concurrent request, on this node or another
        }
        AccountRepresentation representation = Converters.account(account);
        if (reinstate) {
            // Other accounts' trust in this ID now applies to this realm: the record says so, and whose ID it was.
            Map<String, Object> reinstated = new LinkedHashMap<>();
            reinstated.put("accountId", representation.accountId());
            reinstated.put("alias", representation.alias());
            reinstated.put("arn", representation.arn());
            reinstated.put("reinstated", true);
            reinstated.put("retiredFrom", retiredFrom);
            context.adminEvent.operation(OperationType.UPDATE).resource(ACCOUNT_RESOURCE).resourcePath(context.uri())
                    .representation(reinstated)
                    .detail(EventDetails.REINSTATED, "true").detail(EventDetails.RETIRED_FROM, retiredFrom).success();
        } else {
            context.adminEvent.operation(OperationType.UPDATE).resource(ACCOUNT_RESOURCE)
                    .resourcePath(context.uri()).representation(representation).success();
        }
        return representation;
    }

    private static AdminApiException takenAccountId(String accountId) {
        return AdminApiException.conflict("EntityAlreadyExists.AccountId", "accountId: " + accountId + " is or was the ID of another account");
    }

    /**
     * Account IDs belong to the platform: only an administrator of the master realm who may manage the master realm
     * itself gives or changes them. A realm's own administrators, whatever their roles, can read them only.
     */
    private void requirePlatformAdministrator() {
        AdminAuth caller = context.auth.adminAuth();
        if (!PlatformAdministrators.isOne(context.session, caller)) {
            throw AdminRequest.refuse(context.session, context.realm, context.adminEvent.operation(OperationType.UPDATE)
                            .resource(ACCOUNT_RESOURCE).resourcePath(context.uri()), "NoPermission.AccountId",
                    "account IDs are assigned by administrators of the master realm",
                    "account IDs are assigned by administrators of the master realm; " + caller.getUser().getUsername()
                            + " of realm " + caller.getRealm().getName() + " is not one");
        }
    }
}
