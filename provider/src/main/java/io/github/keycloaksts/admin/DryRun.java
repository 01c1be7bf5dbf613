package io.github.keycloaksts.admin;

/**
 * The {@code dryRun} query parameter of changes that can be previewed: {@code true} previews, absent or {@code false}
 * changes; anything else is a 400, so a mistyped {@code dryRun=yes} never makes the change it meant to preview.
 */
final class DryRun {

    private DryRun() {
    }

    static boolean requested(String value) {
        if (value == null || "false".equals(value)) {
            return false;
        }
        if ("true".equals(value) || value.isEmpty()) {
            return true;
        }
        throw AdminApiException.badRequest("InvalidParameter", "dryRun: must be true or false");
    }
}
