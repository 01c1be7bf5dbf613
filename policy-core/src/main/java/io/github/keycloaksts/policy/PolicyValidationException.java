package io.github.keycloaksts.policy;

import java.util.Objects;

/**
 * The one exception the policy parsers throw: a document, ARN, pattern or value is not valid.
 *
 * <p>It names where the fault is ({@link #path()}, a JSON path such as
 * {@code Statement[0].Principal.RAM[1]}, {@code $} for the document itself, or empty when the
 * value was not read from a document) and what is wrong ({@link #detail()}). The message is
 * {@code "<path>: <detail>"}, or just the detail when the path is empty, and is safe to return to
 * an administrator: quoted input is truncated and control characters are escaped.
 *
 * <p>{@link #reason()} classifies the refusals a caller may want to tell apart without reading the
 * message (e.g. an analysis of stored documents that the reader now refuses); most are
 * {@link Reason#OTHER}.
 */
public class PolicyValidationException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /** What kind of refusal, for callers that classify them; the message stays the thing to show. */
    public enum Reason {
        /** A principal is {@code *} or holds a wildcard: it would trust everyone (or everyone matching). */
        WILDCARD_PRINCIPAL,
        /**
         * A statement naming an OIDC provider does not pin the subjects it trusts: no {@code oidc:sub}
         * condition, a negated one, or a value that matches every subject (of a kind) of the provider.
         */
        BROAD_OIDC_SUBJECT,
        /** Anything else. */
        OTHER
    }

    private final String path;
    private final String detail;
    private final Reason reason;

    /**
     * @param path   JSON path of the fault, {@code $} for the whole document, or empty
     * @param detail what is wrong, for humans
     */
    public PolicyValidationException(String path, String detail) {
        this(path, detail, Reason.OTHER);
    }

    /**
     * @param path   JSON path of the fault, {@code $} for the whole document, or empty
     * @param detail what is wrong, for humans
     * @param reason the kind of refusal ({@link Reason#OTHER} if null)
     */
    public PolicyValidationException(String path, String detail, Reason reason) {
        super(format(path, detail));
        this.path = Objects.requireNonNullElse(path, "");
        this.detail = Objects.requireNonNullElse(detail, "invalid");
        this.reason = Objects.requireNonNullElse(reason, Reason.OTHER);
    }

    /** @return JSON path of the fault ({@code $} for the whole document), or empty if not from a document */
    public String path() {
        return path;
    }

    /** @return what is wrong, without the path */
    public String detail() {
        return detail;
    }

    /** @return the kind of refusal; {@link Reason#OTHER} unless the thrower classified it */
    public Reason reason() {
        return reason;
    }

    private static String format(String path, String detail) {
        String d = Objects.requireNonNullElse(detail, "invalid");
        return path == null || path.isEmpty() ? d : path + ": " + d;
    }
}
