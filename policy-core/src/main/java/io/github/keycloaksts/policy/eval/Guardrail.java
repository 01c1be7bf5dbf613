package io.github.keycloaksts.policy.eval;

import java.util.Objects;
import java.util.regex.Pattern;

import io.github.keycloaksts.policy.document.PolicyDocument;
import io.github.keycloaksts.policy.document.PolicyKind;

/**
 * A platform guardrail: a named {@link PolicyKind#GUARDRAIL} document. The name is how refusals and simulators cite it
 * ({@code platform guardrail "org-only" Statement[0]}).
 *
 * @param name     1-64 characters: letters, digits, {@code .}, {@code _}, {@code -}
 * @param document the guardrail's Deny statements
 */
public record Guardrail(String name, PolicyDocument document) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    public Guardrail {
        if (!isName(name)) {
            throw new IllegalArgumentException("not a guardrail name: " + name);
        }
        Objects.requireNonNull(document, "document");
        if (document.kind() != PolicyKind.GUARDRAIL) {
            throw new IllegalArgumentException("guardrail " + name + " is a " + document.kind().label());
        }
    }

    /** @return whether {@code name} can name a guardrail (1-64 letters, digits, dots, underscores, dashes; not first) */
    public static boolean isName(String name) {
        return name != null && NAME.matcher(name).matches();
    }
}
