package io.github.keycloaksts.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.keycloaksts.admin.StsAdminResourceProviderFactory;
import org.junit.jupiter.api.Test;

/** Where the public endpoints live, and what the server info says about keycloak-sts. */
class StsRealmResourceProviderFactoryTest {

    @Test
    void thePublicEndpointsLiveUnderSts() {
        // The id is the path segment of /realms/{realm}/sts/...: the console pages and docs link there.
        assertThat(new StsRealmResourceProviderFactory().getId()).isEqualTo("sts");
        // And the admin endpoints under /admin/realms/{realm}/sts/...: the same segment on both sides.
        assertThat(new StsAdminResourceProviderFactory().getId()).isEqualTo(StsRealmResourceProviderFactory.PROVIDER_ID);
    }

    @Test
    void theServerInfoNamesTheVersionOrSaysItIsUnknown() {
        // From the jar, its version; from compiled classes (no manifest), "unknown": never a missing or null entry.
        assertThat(new StsRealmResourceProviderFactory().getOperationalInfo()).containsOnlyKeys("version")
                .hasEntrySatisfying("version", version -> assertThat(version).isNotBlank());
    }

    @Test
    void eachRequestGetsAResourceOfItsOwn() {
        StsRealmResourceProvider provider = new StsRealmResourceProvider(null);

        assertThat(provider.getResource()).isInstanceOf(StsRealmResource.class).isNotSameAs(provider.getResource());
    }
}
