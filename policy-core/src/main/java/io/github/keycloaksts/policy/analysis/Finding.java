package io.github.keycloaksts.policy.analysis;

import java.util.Comparator;
import java.util.Objects;

/**
 * One thing the analyzer reports.
 *
 * @param kind      what it is
 * @param severity  how urgent
 * @param accountId the account it concerns: the role's account for trust findings, the granting account for grant
 *                  findings ({@link FindingKind#grantSide()})
 * @param role      the role's ARN (trust findings) or the granting Keycloak role's name (grant findings)
 * @param principal the trust policy principal the finding is about (canonical ARN), or null
 * @param path      where: a JSON path into the trust policy ({@code Statement[0].Principal.RAM[1]}, {@code $} for
 *                  the document), or {@code sts.assume-role[i]} for grant values
 * @param message   what is wrong, naming the thing
 * @param fix       a one-line hint
 */
public record Finding(FindingKind kind, Severity severity, String accountId, String role, String principal,
                      String path, String message, String fix) {

    /** Worst first, then by kind, account, role, path and principal: the order of every list of findings. */
    public static final Comparator<Finding> ORDER = Comparator.comparing(Finding::severity)
            .thenComparing(Finding::kind)
            .thenComparing(Finding::accountId, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(Finding::role, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(Finding::path, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(Finding::principal, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(Finding::message, Comparator.nullsFirst(Comparator.naturalOrder()));

    /** Requires kind and severity. */
    public Finding {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(severity, "severity");
    }
}
