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
 */
public class PolicyValidationException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String path;
    private final String detail;

    /**
     * @param path   JSON path of the fault, {@code $} for the whole document, or empty
     * @param detail what is wrong, for humans
     */
    public PolicyValidationException(String path, String detail) {
        super(format(path, detail));
        this.path = Objects.requireNonNullElse(path, "");
        this.detail = Objects.requireNonNullElse(detail, "invalid");
    }

    /** @return JSON path of the fault ({@code $} for the whole document), or empty if not from a document */
    public String path() {
        return path;
    }

    /** @return what is wrong, without the path */
    public String detail() {
        return detail;
    }

    private static String format(String path, String detail) {
        String d = Objects.requireNonNullElse(detail, "invalid");
        return path == null || path.isEmpty() ? d : path + ": " + d;
    }
}
