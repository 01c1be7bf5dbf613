package io.github.keycloaksts.client.cli;

/** A failure the CLI reports in one line on stderr, with its exit code. */
final class CliException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** A profile or the configuration is wrong. */
    static final int CONFIG = 1;
    /** The server refused (a 4xx): the request will not succeed by retrying. */
    static final int REFUSED = 3;
    /** The server did not answer, or failed (5xx). */
    static final int UNAVAILABLE = 4;
    /** No sign-in for the profile's source: run {@code kcsts login}. */
    static final int NOT_SIGNED_IN = 5;

    private final int exitCode;

    CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
