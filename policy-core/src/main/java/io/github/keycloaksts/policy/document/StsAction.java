package io.github.keycloaksts.policy.document;

/**
 * The actions a statement can be about. A statement applies to an action only when one of its {@code Action}
 * patterns matches it ({@link Statement#covers(StsAction)}, decided once when the statement is read).
 */
public enum StsAction {
    /** {@code sts:AssumeRole}: may the principal assume the role (every kind of policy). */
    ASSUME_ROLE("sts:AssumeRole"),
    /**
     * {@code sts:TagSession}: may the request put session tags on the role session (trust policies only, as in AWS:
     * the role's account decides which tags it accepts from whom).
     */
    TAG_SESSION("sts:TagSession");

    private final String actionName;

    StsAction(String actionName) {
        this.actionName = actionName;
    }

    /** @return the name as policies write it, e.g. {@code sts:AssumeRole} */
    public String actionName() {
        return actionName;
    }

    int bit() {
        return 1 << ordinal();
    }

    @Override
    public String toString() {
        return actionName;
    }
}
