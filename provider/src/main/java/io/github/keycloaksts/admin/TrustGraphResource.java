package io.github.keycloaksts.admin;

/** {@code /sts/platform/trust-graph}: placeholder until the analyzer lands. */
public final class TrustGraphResource {

    private final AdminContext context;

    TrustGraphResource(AdminContext context) {
        this.context = context;
    }
}
