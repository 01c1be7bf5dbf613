package io.github.keycloaksts.admin.representation;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * The answer of a dry run ({@code PUT …/trust-policy?dryRun=true}, {@code DELETE /sts/roles/{roleName}?dryRun=true}):
 * what the change would do, nothing changed. {@code principalsGainingAccess} / {@code principalsLosingAccess}: principals
 * that an Allow statement would start / stop naming; {@code accountsWhoseSessionsEnd}: the source accounts whose role
 * sessions the change ends (exactly those the change itself then ends); {@code liveSessionsEnding}: how many live
 * sessions end, in total and per source account.
 */
@JsonPropertyOrder({"dryRun", "operation", "roleName", "principalsGainingAccess", "principalsLosingAccess", "accountsWhoseSessionsEnd",
        "liveSessionsEnding"})
public record TrustChangePreviewRepresentation(boolean dryRun, String operation, String roleName, List<String> principalsGainingAccess,
                                               List<String> principalsLosingAccess, List<String> accountsWhoseSessionsEnd,
                                               SessionsEnding liveSessionsEnding) {

    @JsonPropertyOrder({"total", "bySourceAccount"})
    public record SessionsEnding(int total, Map<String, Integer> bySourceAccount) {
    }
}
