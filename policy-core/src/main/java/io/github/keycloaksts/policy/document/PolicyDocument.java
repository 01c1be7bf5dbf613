package io.github.keycloaksts.policy.document;

import static io.github.keycloaksts.policy.internal.Texts.quote;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import io.github.keycloaksts.policy.PolicyValidationException;
import io.github.keycloaksts.policy.arn.Arn;

/**
 * A parsed policy document ({@code "Version": "1"} and its statements). Immutable, thread-safe
 * and cheap to evaluate many times: cache it rather than re-reading the JSON. Equality is
 * structural (kind and statements in order); {@link PolicyWriter} gives the canonical JSON, and
 * reading that JSON back yields an equal document.
 */
public final class PolicyDocument {

    /** The only supported {@code Version}. */
    public static final String VERSION = "1";

    private final PolicyKind kind;
    private final List<Statement> statements;
    /** The actions every statement names (bits of {@link StsAction}): evaluation then asks no statement. */
    private final int everyStatementCovers;

    PolicyDocument(PolicyKind kind, List<Statement> statements) {
        this.kind = Objects.requireNonNull(kind, "kind");
        this.statements = List.copyOf(statements);
        int every = ~0;
        for (Statement s : this.statements) {
            for (StsAction a : StsAction.values()) {
                if (!s.covers(a)) {
                    every &= ~a.bit();
                }
            }
        }
        this.everyStatementCovers = every;
    }

    /**
     * Assembles a document from statements of documents of the same kind (for example to
     * reorder or combine them).
     *
     * @param kind       the kind of document
     * @param statements statements read for that kind
     * @return the document
     * @throws PolicyValidationException if a statement does not fit the kind or Sids repeat
     */
    public static PolicyDocument of(PolicyKind kind, List<Statement> statements) {
        Objects.requireNonNull(kind, "kind");
        Set<String> sids = new HashSet<>();
        for (int i = 0; i < statements.size(); i++) {
            Statement s = Objects.requireNonNull(statements.get(i), "statement");
            String path = "Statement[" + i + "]";
            boolean trust = kind == PolicyKind.TRUST;
            if (trust && (s.principals().isEmpty() || !s.resources().isEmpty())) {
                throw new PolicyValidationException(path, "not a trust policy statement");
            }
            if (!trust && (!s.principals().isEmpty() || s.resources().isEmpty())) {
                throw new PolicyValidationException(path, "not a " + kind.label() + " statement");
            }
            if (kind == PolicyKind.PERMISSION) {
                for (int r = 0; r < s.resources().size(); r++) {
                    PolicyReader.checkRolePattern(s.resources().get(r), path + ".Resource[" + r + "]");
                }
            }
            if (s.sid().isPresent() && !sids.add(s.sid().get())) {
                throw new PolicyValidationException(path + ".Sid", "duplicate Sid " + quote(s.sid().get()));
            }
        }
        return new PolicyDocument(kind, statements);
    }

    /**
     * Turns the values of an {@code sts.assume-role} role attribute (role ARN patterns such as
     * {@code acs:ram::11223344:role/ecs-admin}, {@code acs:ram::11223344:role/*},
     * {@code acs:ram:*:11223344:role/ecs-*} or {@code *}) into a permission policy with one
     * statement allowing {@code sts:AssumeRole} on them. No patterns gives a document without
     * statements, which allows nothing.
     *
     * @param arnPatterns the patterns
     * @return the permission policy
     * @throws PolicyValidationException naming the first invalid value, with path
     *                                   {@code Statement[0].Resource[i]}
     */
    public static PolicyDocument allowAssumeRole(Collection<String> arnPatterns) {
        if (arnPatterns == null) {
            throw new PolicyValidationException("Statement[0].Resource", "patterns are null");
        }
        List<String> patterns = new ArrayList<>(arnPatterns.size());
        int i = 0;
        for (String p : arnPatterns) {
            String path = "Statement[0].Resource[" + i++ + "]";
            patterns.add(PolicyReader.checkRolePattern(p, path));
        }
        if (patterns.isEmpty()) {
            return new PolicyDocument(PolicyKind.PERMISSION, List.of());
        }
        Statement s = new Statement(null, Effect.ALLOW, List.of(Actions.ASSUME_ROLE), Principals.NONE,
                Resources.of(patterns), List.of());
        return new PolicyDocument(PolicyKind.PERMISSION, List.of(s));
    }

    /** @return always {@value #VERSION} */
    public String version() {
        return VERSION;
    }

    /** @return what the document is for */
    public PolicyKind kind() {
        return kind;
    }

    /** @return the statements in document order */
    public List<Statement> statements() {
        return statements;
    }

    /**
     * @param action an action
     * @return whether every statement names it ({@link Statement#covers}; true without statements), decided once:
     *         then an evaluation of that action need not ask each statement
     */
    public boolean everyStatementCovers(StsAction action) {
        return (everyStatementCovers & action.bit()) != 0;
    }

    /**
     * The principals this document's {@code Allow} statements name, each once, in document order: who a trust policy
     * may let in, before conditions and {@code Deny} statements are considered.
     */
    public List<Arn> allowedPrincipals() {
        Set<Arn> principals = new LinkedHashSet<>();
        for (Statement statement : statements) {
            if (statement.effect() == Effect.ALLOW) {
                principals.addAll(statement.principals().arns());
            }
        }
        return List.copyOf(principals);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PolicyDocument d && d.kind == kind && d.statements.equals(statements);
    }

    @Override
    public int hashCode() {
        return kind.hashCode() * 31 + statements.hashCode();
    }

    /** @return the canonical JSON ({@link PolicyWriter#toJson(PolicyDocument)}) */
    @Override
    public String toString() {
        return PolicyWriter.toJson(this);
    }
}
