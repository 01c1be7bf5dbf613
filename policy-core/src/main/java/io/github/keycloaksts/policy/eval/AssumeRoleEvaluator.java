package io.github.keycloaksts.policy.eval;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import io.github.keycloaksts.policy.arn.AccountArn;
import io.github.keycloaksts.policy.condition.Condition;
import io.github.keycloaksts.policy.condition.ConditionKey;
import io.github.keycloaksts.policy.condition.RequestContext;
import io.github.keycloaksts.policy.document.Effect;
import io.github.keycloaksts.policy.document.PolicyDocument;
import io.github.keycloaksts.policy.document.PolicyKind;
import io.github.keycloaksts.policy.document.PrincipalKey;
import io.github.keycloaksts.policy.document.Statement;
import io.github.keycloaksts.policy.document.StsAction;

/**
 * Decides whether a principal may assume a role (the Alibaba RAM / AWS IAM pipeline). Both sides
 * must allow: the source account's identity policies must allow {@code sts:AssumeRole} on the
 * role ARN, <em>and</em> the role's trust policy must trust the principal.
 *
 * <ol>
 *   <li>Only statements whose {@code Action} names {@code sts:AssumeRole} take part (a trust
 *       policy statement may be about {@code sts:TagSession} alone, see {@link #evaluateTagSession}).</li>
 *   <li>Every statement of both sides is matched against the request: on the source side by
 *       resource (the role ARN against the {@code Resource} patterns), on the trust side by
 *       principal (hash lookup: the requester's account, user, or role for a role session);
 *       then all its conditions must hold (AND across operators and keys, OR across the values
 *       of one key; absent keys fail positive operators and satisfy negated ones).</li>
 *   <li>A matching {@code Deny} on either side wins: {@link Outcome#EXPLICIT_DENY}.</li>
 *   <li>Otherwise a matching {@code Allow} is needed on the source side, then on the trust side;
 *       the first side without one decides {@link Outcome#IMPLICIT_DENY}.</li>
 *   <li>Otherwise {@link Outcome#ALLOW}.</li>
 * </ol>
 *
 * <p>The outcome does not depend on the order of statements or documents. Fail closed: any
 * failure during evaluation (null arguments, documents of the wrong {@link PolicyKind}, an
 * internal error) is an {@link Outcome#IMPLICIT_DENY} whose reason starts with
 * {@code evaluation error:}; this method never throws. Cost is linear in the number of
 * statements and independent of the number of principals. Stateless and thread-safe.
 *
 * <p>Who limits policy size: {@link io.github.keycloaksts.policy.document.PolicyReader} with its
 * {@link io.github.keycloaksts.policy.PolicyLimits}; parse documents once and cache them.
 */
public final class AssumeRoleEvaluator {

    /** {@link StsAction#ASSUME_ROLE}'s name as a constant: reasons concatenate it on the hot path. */
    private static final String ACTION = "sts:AssumeRole";
    private static final String TAG_SESSION = "sts:TagSession";

    /** Creates an evaluator; it holds no state. */
    public AssumeRoleEvaluator() {
    }

    /**
     * @param request                the request
     * @param sourceIdentityPolicies the source account's grants to the principal
     *                               ({@link PolicyKind#PERMISSION} documents, e.g. from
     *                               {@link PolicyDocument#allowAssumeRole(Collection)}); empty allows nothing
     * @param trustPolicy            the target role's trust policy ({@link PolicyKind#TRUST})
     * @return the decision, never null
     */
    public Decision evaluate(AssumeRoleRequest request, List<PolicyDocument> sourceIdentityPolicies,
                             PolicyDocument trustPolicy) {
        return run(request, sourceIdentityPolicies, trustPolicy, Scope.BOTH, StsAction.ASSUME_ROLE, null);
    }

    /**
     * The same evaluation as {@link #evaluate}, with the part each statement took: its decision is always the one
     * {@code evaluate} returns for the same arguments (the same code runs).
     *
     * @param request                the request
     * @param sourceIdentityPolicies as for {@link #evaluate}
     * @param trustPolicy            as for {@link #evaluate}
     * @return the explanation, never null
     */
    public Explanation explain(AssumeRoleRequest request, List<PolicyDocument> sourceIdentityPolicies,
                               PolicyDocument trustPolicy) {
        List<StatementExplanation> statements = new ArrayList<>();
        Decision decision = run(request, sourceIdentityPolicies, trustPolicy, Scope.BOTH, StsAction.ASSUME_ROLE, statements);
        return new Explanation(decision, failed(decision) ? List.of() : statements);
    }

    /**
     * The target account's half: the trust policy alone, as if the source account granted the request. Its
     * decision is the one {@link #evaluate} returns when a source grant allows the role and none denies it. The
     * request's source may also be an {@linkplain AssumeRoleRequest#forAnyUserOf account}.
     *
     * @param request     the request
     * @param trustPolicy the role's trust policy ({@link PolicyKind#TRUST})
     * @return the explanation (trust policy statements only), never null
     */
    public Explanation explainTrust(AssumeRoleRequest request, PolicyDocument trustPolicy) {
        List<StatementExplanation> statements = new ArrayList<>();
        Decision decision = run(request, List.of(), trustPolicy, Scope.TRUST, StsAction.ASSUME_ROLE, statements);
        return new Explanation(decision, failed(decision) ? List.of() : statements);
    }

    /**
     * Decides whether the request may put session tags on the role session ({@code sts:TagSession}, as in AWS): the
     * role's trust policy alone decides, by its statements whose {@code Action} names {@code sts:TagSession}, matched
     * by principal ({@code RAM} or, for a federated request, {@code Federated}) and conditions against the request's
     * context (tag conditions such as {@code acs:RequestTag/Project} included). A matching Deny wins, then an Allow is
     * needed; a trust policy without such a statement refuses every tag. Ask it only when the request carries tags
     * (or transitive tag keys); whether the role may be assumed at all is {@link #evaluate}'s or
     * {@link #evaluateFederated}'s question. Never throws.
     *
     * @param request     the request, from a user, a role session or an OIDC provider
     * @param trustPolicy the target role's trust policy ({@link PolicyKind#TRUST})
     * @return the decision, never null
     */
    public Decision evaluateTagSession(AssumeRoleRequest request, PolicyDocument trustPolicy) {
        return run(request, List.of(), trustPolicy, Scope.TRUST, StsAction.TAG_SESSION, null);
    }

    /**
     * The same evaluation as {@link #evaluateTagSession}, with the part each trust policy statement took.
     *
     * @param request     the request
     * @param trustPolicy the role's trust policy ({@link PolicyKind#TRUST})
     * @return the explanation (trust policy statements only), never null
     */
    public Explanation explainTagSession(AssumeRoleRequest request, PolicyDocument trustPolicy) {
        List<StatementExplanation> statements = new ArrayList<>();
        Decision decision = run(request, List.of(), trustPolicy, Scope.TRUST, StsAction.TAG_SESSION, statements);
        return new Explanation(decision, failed(decision) ? List.of() : statements);
    }

    /**
     * The source account's half: its grants alone, as if the role trusted the request. Its decision is the one
     * {@link #evaluate} returns when the trust policy allows the request and nothing in it denies.
     *
     * @param request                the request
     * @param sourceIdentityPolicies the grants ({@link PolicyKind#PERMISSION} documents)
     * @return the explanation (source grant statements only), never null
     */
    public Explanation explainSource(AssumeRoleRequest request, List<PolicyDocument> sourceIdentityPolicies) {
        List<StatementExplanation> statements = new ArrayList<>();
        Decision decision = run(request, sourceIdentityPolicies, null, Scope.SOURCE, StsAction.ASSUME_ROLE, statements);
        return new Explanation(decision, failed(decision) ? List.of() : statements);
    }

    private static boolean failed(Decision decision) {
        return decision.reason().startsWith(Decision.ERROR_PREFIX);
    }

    /** Which sides an evaluation runs; a side not run counts as allowing (the simulators' halves). */
    private enum Scope {
        BOTH, TRUST, SOURCE
    }

    /**
     * The one evaluation behind {@link #evaluate}, {@link #evaluateTagSession} and the explanations ({@code explained}
     * null: no explanation), for one action: statements not naming it are skipped.
     */
    private Decision run(AssumeRoleRequest request, List<PolicyDocument> sourceIdentityPolicies, PolicyDocument trustPolicy,
                         Scope scope, StsAction action, List<StatementExplanation> explained) {
        DecisionSide stage = DecisionSide.NONE;
        try {
            Objects.requireNonNull(request, "request is null");
            Objects.requireNonNull(sourceIdentityPolicies, "source identity policies are null");
            RequestContext ctx = request.context();
            String resource = request.roleString();

            stage = DecisionSide.SOURCE_GRANT;
            SideResult source = new SideResult(DecisionSide.SOURCE_GRANT, explained);
            if (scope != Scope.TRUST) {
                for (int i = 0; i < sourceIdentityPolicies.size(); i++) {
                    PolicyDocument doc = Objects.requireNonNull(sourceIdentityPolicies.get(i), "source grant is null");
                    requireKind(doc, PolicyKind.PERMISSION, "source grant #" + i);
                    List<Statement> statements = doc.statements();
                    // the hot path asks no statement for its action when all name it (documents without tagging
                    // statements), and otherwise only those that match; an explanation still names the action first
                    boolean every = doc.everyStatementCovers(action);
                    for (int j = 0; j < statements.size(); j++) {
                        Statement s = statements.get(j);
                        if (s.matchesResource(resource) && (every || s.covers(action))) {
                            source.consider(s, i, j, ctx);
                        } else if (explained != null) {
                            source.explainMismatch(s, i, j, action, request);
                        }
                    }
                }
            }

            stage = DecisionSide.TRUST_POLICY;
            SideResult trust = new SideResult(DecisionSide.TRUST_POLICY, explained);
            if (scope != Scope.SOURCE) {
                Objects.requireNonNull(trustPolicy, "trust policy is null");
                requireKind(trustPolicy, PolicyKind.TRUST, "trust policy");
                List<Statement> statements = trustPolicy.statements();
                PrincipalKey principal = request.principalKey();
                boolean every = trustPolicy.everyStatementCovers(action);
                for (int j = 0; j < statements.size(); j++) {
                    Statement s = statements.get(j);
                    if (s.matchesPrincipal(principal) && (every || s.covers(action))) {
                        trust.consider(s, 0, j, ctx);
                    } else if (explained != null) {
                        trust.explainMismatch(s, 0, j, action, request);
                    }
                }
            }

            stage = DecisionSide.NONE;
            return decide(request, trustPolicy, source, trust, scope, action);
        } catch (RuntimeException | StackOverflowError e) {
            return Decision.error(stage, e);
        }
    }


    /**
     * Decides a federated request (AssumeRoleWithOIDC): an external subject of an OIDC provider has no source
     * account and so no source grants; the role's trust policy alone decides, by its {@code Federated}
     * principals and the {@code oidc:*} conditions. Same pipeline otherwise (Deny wins, then an Allow is needed);
     * never throws.
     *
     * @param request     a request whose source is an {@link io.github.keycloaksts.policy.arn.OidcProviderArn}
     * @param trustPolicy the target role's trust policy ({@link PolicyKind#TRUST})
     * @return the decision, never null
     */
    public Decision evaluateFederated(AssumeRoleRequest request, PolicyDocument trustPolicy) {
        DecisionSide stage = DecisionSide.NONE;
        try {
            Objects.requireNonNull(request, "request is null");
            if (request.principalKey().federated() == null) {
                throw new IllegalArgumentException("not a federated request: " + request.source());
            }
            stage = DecisionSide.TRUST_POLICY;
            Objects.requireNonNull(trustPolicy, "trust policy is null");
            requireKind(trustPolicy, PolicyKind.TRUST, "trust policy");
            SideResult trust = new SideResult(DecisionSide.TRUST_POLICY, null);
            List<Statement> statements = trustPolicy.statements();
            for (int j = 0; j < statements.size(); j++) {
                Statement s = statements.get(j);
                if (s.matchesPrincipal(request.principalKey()) && s.covers(StsAction.ASSUME_ROLE)) {
                    trust.consider(s, 0, j, request.context());
                }
            }
            stage = DecisionSide.NONE;
            if (trust.denies != null) {
                StringBuilder reason = new StringBuilder("explicit Deny in ");
                for (int i = 0; i < trust.denies.size(); i++) {
                    reason.append(i == 0 ? "" : ", ").append(trust.denies.get(i));
                }
                return new Decision(Outcome.EXPLICIT_DENY, DecisionSide.TRUST_POLICY, trust.denies, reason.toString());
            }
            if (trust.allows == null) {
                return new Decision(Outcome.IMPLICIT_DENY, DecisionSide.TRUST_POLICY, List.of(),
                        "trust policy of " + request.role() + " does not trust " + request.source()
                                + " (" + trust.why(nothingMatched(trustPolicy, StsAction.ASSUME_ROLE)) + ")");
            }
            return new Decision(Outcome.ALLOW, DecisionSide.NONE, trust.allows,
                    "allowed: " + trust.allows.get(0) + " trusts " + request.source());
        } catch (RuntimeException | StackOverflowError e) {
            return Decision.error(stage, e);
        }
    }

    /**
     * The platform's word on a request both accounts allowed: its guardrails ({@link PolicyKind#GUARDRAIL}, Deny
     * statements only) run after the source grants and the trust policy, on every assumption path. A matching Deny
     * refuses ({@link Outcome#EXPLICIT_DENY}, side {@link DecisionSide#GUARDRAIL}, citing {@code platform guardrail
     * "name" Statement[i]}); nothing else changes the accounts' decision, which is returned as is (a guardrail never
     * grants). Statements are matched by resource (the role ARN) and action, then conditions. The request's context
     * should hold the platform keys ({@code acs:PrincipalOrgId}, ...); {@code sts:TrustConditionKeys} is derived here
     * from the trust policy statements that allowed. Never throws: an evaluation error is an implicit deny.
     *
     * @param request     the request
     * @param trustPolicy the role's trust policy ({@link PolicyKind#TRUST}); null when no statement of it allowed
     * @param accounts    the accounts' decision ({@link #evaluate}, {@link #evaluateFederated})
     * @param guardrails  the guardrails in force
     * @return the decision, never null
     */
    public Decision evaluateGuardrails(AssumeRoleRequest request, PolicyDocument trustPolicy, Decision accounts,
                                       GuardrailSet guardrails) {
        if (accounts == null || !accounts.isAllowed() || guardrails == null || guardrails.isEmpty()) {
            return accounts != null ? accounts : Decision.error(DecisionSide.GUARDRAIL, new NullPointerException("decision"));
        }
        return runGuardrails(request, trustPolicy, accounts, guardrails, null, false);
    }

    /**
     * The guardrails' word on a role session that is already live: only statements whose conditions test what the
     * session records ({@link #RECORDED_KEYS}: accounts, organizations, principal type, admin grade, duration, time)
     * take part; statements about the request alone (its IP, external ID, tags, token claims, the
     * trust policy's keys) were decided when it started, and a key the session does not record must not end it.
     *
     * @param request    the session as a request: its role, and a context with the recorded keys
     * @param guardrails the guardrails in force
     * @return an allow, or a guardrail's explicit Deny; never throws
     */
    public Decision evaluateGuardrailsForLiveSession(AssumeRoleRequest request, GuardrailSet guardrails) {
        Decision live = new Decision(Outcome.ALLOW, DecisionSide.NONE, List.of(), "live");
        return guardrails == null || guardrails.isEmpty() ? live : runGuardrails(request, null, live, guardrails, null, true);
    }

    /** The condition keys a live role session records, so that a guardrail testing only them can end it. */
    public static final Set<ConditionKey> RECORDED_KEYS = Collections.unmodifiableSet(EnumSet.of(ConditionKey.PRINCIPAL_ACCOUNT,
            ConditionKey.PRINCIPAL_ORG_ID, ConditionKey.RESOURCE_ACCOUNT, ConditionKey.RESOURCE_ORG_ID, ConditionKey.PRINCIPAL_TYPE,
            ConditionKey.ROLE_ADMIN_GRADE, ConditionKey.DURATION_SECONDS, ConditionKey.CURRENT_TIME));

    private static boolean testsOnlyRecordedKeys(Statement s) {
        for (Condition c : s.conditions()) {
            if (!RECORDED_KEYS.contains(c.key())) {
                return false;
            }
        }
        return true;
    }

    /**
     * The same evaluation as {@link #evaluateGuardrails}, with the part each guardrail statement took, for the
     * simulators; it runs whatever the accounts decided, so a simulator shows a guardrail that would refuse.
     *
     * @param request     the request
     * @param trustPolicy the role's trust policy, or null
     * @param accounts    the accounts' decision
     * @param guardrails  the guardrails in force
     * @return the explanation (guardrail statements only) and the decision {@link #evaluateGuardrails} would give for an
     *         allowed request (a guardrail Deny, or {@code accounts})
     */
    public Explanation explainGuardrails(AssumeRoleRequest request, PolicyDocument trustPolicy, Decision accounts,
                                         GuardrailSet guardrails) {
        List<StatementExplanation> statements = new ArrayList<>();
        Decision decision = runGuardrails(request, trustPolicy, accounts, guardrails, statements, false);
        return new Explanation(decision, failed(decision) ? List.of() : statements);
    }

    private Decision runGuardrails(AssumeRoleRequest request, PolicyDocument trustPolicy, Decision accounts,
                                   GuardrailSet guardrails, List<StatementExplanation> explained, boolean liveOnly) {
        try {
            Objects.requireNonNull(request, "request is null");
            Objects.requireNonNull(accounts, "decision is null");
            Objects.requireNonNull(guardrails, "guardrails are null");
            RequestContext ctx = request.context();
            if (guardrails.tests(ConditionKey.TRUST_CONDITION_KEYS)) {
                ctx = ctx.toBuilder().trustConditionKeys(trustConditionKeys(trustPolicy, accounts)).build();
            }
            String resource = request.roleString();
            SideResult side = new SideResult(DecisionSide.GUARDRAIL, explained);
            List<Guardrail> list = guardrails.guardrails();
            for (int i = 0; i < list.size(); i++) {
                Guardrail g = list.get(i);
                side.name = g.name();
                List<Statement> statements = g.document().statements();
                for (int j = 0; j < statements.size(); j++) {
                    Statement s = statements.get(j);
                    if (liveOnly && !testsOnlyRecordedKeys(s)) {
                        continue;
                    }
                    if (s.matchesResource(resource) && s.covers(StsAction.ASSUME_ROLE)) {
                        side.consider(s, i, j, ctx);
                    } else if (explained != null) {
                        side.explainMismatch(s, i, j, StsAction.ASSUME_ROLE, request);
                    }
                }
            }
            if (side.denies == null) {
                return accounts;
            }
            StringBuilder reason = new StringBuilder("explicit Deny in ");
            for (int i = 0; i < side.denies.size(); i++) {
                reason.append(i == 0 ? "" : ", ").append(side.denies.get(i));
            }
            return new Decision(Outcome.EXPLICIT_DENY, DecisionSide.GUARDRAIL, side.denies, reason.toString());
        } catch (RuntimeException | StackOverflowError e) {
            return Decision.error(DecisionSide.GUARDRAIL, e);
        }
    }

    /** The condition keys of the trust policy statements the accounts' decision cites as allowing, sorted. */
    private static List<String> trustConditionKeys(PolicyDocument trustPolicy, Decision accounts) {
        if (trustPolicy == null) {
            return List.of();
        }
        TreeSet<String> keys = new TreeSet<>();
        for (StatementRef ref : accounts.decidingStatements()) {
            if (ref.side() == DecisionSide.TRUST_POLICY && ref.statementIndex() < trustPolicy.statements().size()) {
                for (Condition c : trustPolicy.statements().get(ref.statementIndex()).conditions()) {
                    keys.add(c.keyName());
                }
            }
        }
        return List.copyOf(keys);
    }

    /** Why no trust policy statement applied, when none had an unmet condition. */
    private static String nothingMatched(PolicyDocument trustPolicy, StsAction action) {
        // an empty policy, like one whose statements all name the action, matched no principal
        if (trustPolicy.everyStatementCovers(action)) {
            return "no statement matched principal";
        }
        for (Statement s : trustPolicy.statements()) {
            if (s.covers(action)) {
                return "no statement matched principal";
            }
        }
        return "no statement names " + action;
    }

    private static void requireKind(PolicyDocument doc, PolicyKind kind, String what) {
        if (doc.kind() != kind) {
            throw new IllegalArgumentException(what + " is a " + doc.kind().label() + ", expected a " + kind.label());
        }
    }

    private static Decision decide(AssumeRoleRequest request, PolicyDocument trustPolicy, SideResult source, SideResult trust,
                                   Scope scope, StsAction action) {
        if (source.denies != null || trust.denies != null) {
            List<StatementRef> refs = new ArrayList<>();
            if (source.denies != null) {
                refs.addAll(source.denies);
            }
            if (trust.denies != null) {
                refs.addAll(trust.denies);
            }
            DecisionSide side = source.denies != null ? DecisionSide.SOURCE_GRANT : DecisionSide.TRUST_POLICY;
            StringBuilder reason = new StringBuilder("explicit Deny in ");
            for (int i = 0; i < refs.size(); i++) {
                reason.append(i == 0 ? "" : ", ").append(refs.get(i));
            }
            return new Decision(Outcome.EXPLICIT_DENY, side, refs, reason.toString());
        }
        if (source.allows == null && scope != Scope.TRUST) {
            return new Decision(Outcome.IMPLICIT_DENY, DecisionSide.SOURCE_GRANT, List.of(),
                    "no source grant of " + request.source() + " allows " + ACTION + " on " + request.role()
                            + " (" + source.why("no statement matched resource") + ")");
        }
        if (trust.allows == null && scope != Scope.SOURCE) {
            // one concatenation per action, each of constants and the request's parts (the AssumeRole one is hot)
            String why = trust.why(nothingMatched(trustPolicy, action));
            return new Decision(Outcome.IMPLICIT_DENY, DecisionSide.TRUST_POLICY, List.of(), action == StsAction.ASSUME_ROLE
                    ? "trust policy of " + request.role() + " does not trust " + request.source() + " (" + why + ")"
                    : "trust policy of " + request.role() + " does not allow " + TAG_SESSION + " for " + request.source()
                            + " (" + why + ")");
        }
        List<StatementRef> refs = new ArrayList<>();
        if (source.allows != null) {
            refs.addAll(source.allows);
        }
        if (trust.allows != null) {
            refs.addAll(trust.allows);
        }
        if (scope == Scope.TRUST) {
            return new Decision(Outcome.ALLOW, DecisionSide.NONE, refs, action == StsAction.ASSUME_ROLE
                    ? "allowed: " + trust.allows.get(0) + " trusts " + request.source()
                    : "allowed: " + trust.allows.get(0) + " allows " + TAG_SESSION + " for " + request.source());
        }
        if (scope == Scope.SOURCE) {
            return new Decision(Outcome.ALLOW, DecisionSide.NONE, refs,
                    "allowed: " + source.allows.get(0) + " allows " + ACTION + " on " + request.role());
        }
        return new Decision(Outcome.ALLOW, DecisionSide.NONE, refs,
                "allowed: " + source.allows.get(0) + " allows " + ACTION + " on " + request.role()
                        + " and " + trust.allows.get(0) + " trusts " + request.source());
    }

    /** Matching statements of one side, collected lazily (no allocation when nothing matches). */
    static final class SideResult {
        private final DecisionSide side;
        /** The name of the document being considered (guardrails), or null. */
        String name;
        List<StatementRef> allows;
        List<StatementRef> denies;
        private String firstUnmet;
        private final List<StatementExplanation> explained;

        SideResult(DecisionSide side, List<StatementExplanation> explained) {
            this.side = side;
            this.explained = explained;
        }

        void explain(Statement s, int policyIndex, int statementIndex, StatementExplanation.FailureKind kind, String path,
                     String detail) {
            explained.add(new StatementExplanation(new StatementRef(side, policyIndex, statementIndex, s.sid().orElse(null), name),
                    s.effect(), new StatementExplanation.Failure(kind, path, detail)));
        }

        /**
         * Statement s did not apply (explanations only; kept out of the evaluation loop): the first part that failed,
         * its action, then its resource (source grants) or principal (trust policy).
         */
        void explainMismatch(Statement s, int policyIndex, int statementIndex, StsAction action, AssumeRoleRequest request) {
            String at = "Statement[" + statementIndex + "].";
            if (!s.covers(action)) {
                explain(s, policyIndex, statementIndex, StatementExplanation.FailureKind.ACTION, at + "Action",
                        "does not name " + action);
            } else if (side == DecisionSide.SOURCE_GRANT || side == DecisionSide.GUARDRAIL) {
                explain(s, policyIndex, statementIndex, StatementExplanation.FailureKind.RESOURCE, at + "Resource",
                        "no pattern matches " + request.roleString());
            } else {
                boolean federated = request.principalKey().federated() != null;
                explain(s, policyIndex, statementIndex, StatementExplanation.FailureKind.PRINCIPAL,
                        at + "Principal." + (federated ? "Federated" : "RAM"),
                        federated ? "does not name " + request.source()
                                : "names neither " + request.source() + (request.source() instanceof AccountArn
                                ? "" : " nor its account " + request.source().accountId()));
            }
        }

        /** Statement s matched the request's principal or resource: check its conditions. */
        void consider(Statement s, int policyIndex, int statementIndex, RequestContext ctx) {
            Optional<Condition> unmet = s.firstUnmetCondition(ctx);
            if (explained != null) {
                if (unmet.isPresent()) {
                    Condition c = unmet.get();
                    explain(s, policyIndex, statementIndex, StatementExplanation.FailureKind.CONDITION,
                            "Statement[" + statementIndex + "].Condition." + c.operator().operatorName() + "." + c.keyName(),
                            unmetText(c, ctx));
                } else {
                    explained.add(new StatementExplanation(new StatementRef(side, policyIndex, statementIndex, s.sid().orElse(null), name),
                            s.effect(), null));
                }
            }
            if (unmet.isPresent()) {
                if (firstUnmet == null && s.effect() == Effect.ALLOW) {
                    firstUnmet = unmetText(unmet.get(), ctx) + " in "
                            + new StatementRef(side, policyIndex, statementIndex, s.sid().orElse(null), name);
                }
                return;
            }
            StatementRef ref = new StatementRef(side, policyIndex, statementIndex, s.sid().orElse(null), name);
            if (s.effect() == Effect.DENY) {
                if (denies == null) {
                    denies = new ArrayList<>(2);
                }
                denies.add(ref);
            } else {
                if (allows == null) {
                    allows = new ArrayList<>(2);
                }
                allows.add(ref);
            }
        }

        String why(String nothingMatched) {
            return firstUnmet != null ? firstUnmet : nothingMatched;
        }
    }

    static String unmetText(Condition c, RequestContext ctx) {
        return "condition " + c + " not met" + (c.keyPresent(ctx) ? "" : " (" + c.keyName() + " absent)");
    }
}
