package io.github.keycloaksts.policy.analysis;

/** How urgent a finding is; declared worst first, so the natural order sorts the worst first. */
public enum Severity {
    /** Someone who should not can (or could, once they obtain an account ID) assume the role; or it is broken. */
    HIGH,
    /** Exposure that depends on a secret or on another party's diligence, e.g. no external ID for a third party. */
    MEDIUM,
    /** Hygiene: dead or stale trust to remove. */
    LOW,
    /** For information: nothing wrong yet. */
    INFO
}
