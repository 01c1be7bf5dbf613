package io.github.keycloaksts.policy.eval;

import static io.github.keycloaksts.policy.internal.Texts.quote;

import java.util.Objects;
import java.util.Optional;

/**
 * Points at a statement that took part in a decision.
 */
public final class StatementRef {

    private final DecisionSide side;
    private final int policyIndex;
    private final int statementIndex;
    private final String sid;
    private final String policyName;

    /**
     * @param side           which policy
     * @param policyIndex    index of the document in the list given for that side (0 for the
     *                       trust and session policies)
     * @param statementIndex index of the statement in the document
     * @param sid            the statement's Sid, or null
     */
    public StatementRef(DecisionSide side, int policyIndex, int statementIndex, String sid) {
        this(side, policyIndex, statementIndex, sid, null);
    }

    /**
     * @param side           which policy
     * @param policyIndex    index of the document in the list given for that side
     * @param statementIndex index of the statement in the document
     * @param sid            the statement's Sid, or null
     * @param policyName     the document's name (a guardrail's), or null
     */
    public StatementRef(DecisionSide side, int policyIndex, int statementIndex, String sid, String policyName) {
        this.side = Objects.requireNonNull(side, "side");
        this.policyIndex = policyIndex;
        this.statementIndex = statementIndex;
        this.sid = sid;
        this.policyName = policyName;
    }

    /** @return the name of the statement's document (a guardrail's), if it has one */
    public Optional<String> policyName() {
        return Optional.ofNullable(policyName);
    }

    /** @return which policy the statement belongs to */
    public DecisionSide side() {
        return side;
    }

    /** @return index of the document among the source grant documents (0 for other sides) */
    public int policyIndex() {
        return policyIndex;
    }

    /** @return index of the statement in its document */
    public int statementIndex() {
        return statementIndex;
    }

    /** @return the statement's Sid, if it has one */
    public Optional<String> sid() {
        return Optional.ofNullable(sid);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StatementRef r && r.side == side && r.policyIndex == policyIndex
                && r.statementIndex == statementIndex && Objects.equals(r.sid, sid) && Objects.equals(r.policyName, policyName);
    }

    @Override
    public int hashCode() {
        return Objects.hash(side, policyIndex, statementIndex, sid, policyName);
    }

    /**
     * @return e.g. {@code trust policy Statement[1] (Sid "NoExternal")} or
     *         {@code source grant #0 Statement[0]} or {@code platform guardrail "org-only" Statement[0]}
     */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(side.label());
        if (policyName != null) {
            sb.append(' ').append(quote(policyName));
        } else if (side == DecisionSide.SOURCE_GRANT) {
            sb.append(" #").append(policyIndex);
        }
        sb.append(" Statement[").append(statementIndex).append(']');
        if (sid != null) {
            sb.append(" (Sid ").append(quote(sid)).append(')');
        }
        return sb.toString();
    }
}
