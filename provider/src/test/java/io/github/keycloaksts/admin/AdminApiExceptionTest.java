package io.github.keycloaksts.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.keycloaksts.role.AssumableRoleValidation;
import io.github.keycloaksts.role.RoleValidationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.Test;

/** The one shape of every refusal of the admin API: status, RAM-style code, and a body scripts and the console read. */
class AdminApiExceptionTest {

    @SuppressWarnings("unchecked")
    static Map<String, String> body(AdminApiException e) {
        return (Map<String, String>) e.getResponse().getEntity();
    }

    @Test
    void eachFactoryAnswersWithItsStatus() {
        assertThat(AdminApiException.badRequest("C", "m").getResponse().getStatus()).isEqualTo(400);
        assertThat(AdminApiException.forbidden("C", "m").getResponse().getStatus()).isEqualTo(403);
        assertThat(AdminApiException.notFound("C", "m").getResponse().getStatus()).isEqualTo(404);
        assertThat(AdminApiException.conflict("C", "m").getResponse().getStatus()).isEqualTo(409);
    }

    @Test
    void theBodyCarriesTheCodeAndTheMessageAsJson() {
        AdminApiException e = AdminApiException.conflict("DeleteConflict.Role.Policy", "roleName: role ops has attached policies");

        assertThat(e.code()).isEqualTo("DeleteConflict.Role.Policy");
        assertThat(e.message()).isEqualTo("roleName: role ops has attached policies");
        assertThat(e.getResponse().getMediaType()).isEqualTo(MediaType.APPLICATION_JSON_TYPE);
        // Exactly these two keys, in this order: scripts read "error", the admin console "errorMessage".
        assertThat(body(e).keySet()).containsExactly("error", "errorMessage");
        assertThat(body(e)).containsEntry("error", "DeleteConflict.Role.Policy")
                .containsEntry("errorMessage", "roleName: role ops has attached policies");
    }

    @Test
    void aRefusalTheConsoleShowsAlsoCarriesADescription() {
        AdminApiException e = AdminApiException.shownByConsole(Response.Status.FORBIDDEN, "Forbidden.RoleClient", "change it through /sts/roles");

        assertThat(e.getResponse().getStatus()).isEqualTo(403);
        // The console prints error_description under the code; the other refusals leave it out.
        assertThat(body(e).keySet()).containsExactly("error", "errorMessage", "error_description");
        assertThat(body(e)).containsEntry("error_description", "change it through /sts/roles");
        assertThat(body(AdminApiException.forbidden("C", "m"))).doesNotContainKey("error_description");
    }

    @Test
    void aRefusalOfTheSharedRoleValidationKeepsItsStatusCodeAndMessage() throws Exception {
        // requiredText is the shared validation's own check: its refusal is what the admin API must pass on unchanged.
        var body = new ObjectMapper().readTree("{\"roleName\":7}");
        assertThatThrownBy(() -> AssumableRoleValidation.requiredText(body, "roleName"))
                .isInstanceOfSatisfying(RoleValidationException.class, refused -> {
                    AdminApiException e = AdminApiException.of(refused);
                    assertThat(e.getResponse().getStatus()).isEqualTo(400);
                    assertThat(e.code()).isEqualTo("InvalidParameter");
                    assertThat(e.message()).isEqualTo("roleName: must be a string");
                    assertThat(body(e)).containsEntry("errorMessage", "roleName: must be a string");
                });
    }
}
