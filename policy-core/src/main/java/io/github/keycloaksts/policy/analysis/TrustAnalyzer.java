package io.github.keycloaksts.policy.analysis;

import static io.github.keycloaksts.policy.internal.Texts.quote;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.keycloaksts.policy.PolicyValidationException;
import io.github.keycloaksts.policy.arn.AccountArn;
import io.github.keycloaksts.policy.arn.Arn;
import io.github.keycloaksts.policy.arn.OidcProviderArn;
import io.github.keycloaksts.policy.arn.RoleArn;
import io.github.keycloaksts.policy.document.Effect;
import io.github.keycloaksts.policy.document.PolicyDocument;
import io.github.keycloaksts.policy.document.PolicyReader;
import io.github.keycloaksts.policy.document.Statement;
import io.github.keycloaksts.policy.document.StsAction;

/**
 * Analyzes the trust of a whole platform, as AWS IAM Access Analyzer does for an organization: who, outside an
 * account, can assume its roles, and what is wrong with it (see {@link FindingKind}). Each trust policy is parsed
 * once with the shared {@link PolicyReader}, so a document the server would refuse is judged exactly as the server
 * reads it. Stateless and thread-safe; never throws on bad data: a bad document or value becomes a finding, and a
 * role or grant without an account or name is skipped.
 */
public final class TrustAnalyzer {

    private static final String WHILE_REFUSED = ": the role refuses every assumption until it is fixed";

    private final PolicyReader reader;

    /** An analyzer reading with {@link PolicyReader#defaults()}. */
    public TrustAnalyzer() {
        this(PolicyReader.defaults());
    }

    /** @param reader the reader the server reads trust policies with (same limits) */
    public TrustAnalyzer(PolicyReader reader) {
        this.reader = Objects.requireNonNull(reader, "reader");
    }

    /**
     * @param snapshot the platform (null is an empty one)
     * @param options  the clock and thresholds
     * @return the edges and findings, sorted
     */
    public TrustAnalysis analyze(PlatformSnapshot snapshot, AnalysisOptions options) {
        Objects.requireNonNull(options, "options");
        PlatformSnapshot s = snapshot == null ? PlatformSnapshot.of(null, null, null) : snapshot;
        Run run = new Run(s, options);
        for (RoleFacts role : s.roles()) {
            run.role(role);
        }
        for (GrantFacts grant : s.grants()) {
            run.grant(grant);
        }
        return run.result();
    }

    /** The state of one analysis. */
    private final class Run {

        private final PlatformSnapshot snapshot;
        private final AnalysisOptions options;
        private final Map<String, AccountFacts> accounts = new TreeMap<>();
        private final List<TrustEdge> edges = new ArrayList<>();
        private final List<Finding> findings = new ArrayList<>();
        /** Worst severity per edge, by role ARN and path. */
        private final Map<String, Severity> worst = new HashMap<>();

        Run(PlatformSnapshot snapshot, AnalysisOptions options) {
            this.snapshot = snapshot;
            this.options = options;
            for (AccountFacts a : snapshot.accounts()) {
                if (a.accountId() != null) {
                    accounts.putIfAbsent(a.accountId(), a);
                }
            }
        }

        TrustAnalysis result() {
            List<TrustEdge> judged = new ArrayList<>(edges.size());
            for (TrustEdge e : edges) {
                judged.add(e.withSeverity(worst.get(e.roleArn() + '\n' + e.path())));
            }
            return new TrustAnalysis(judged, findings, new ArrayList<>(accounts.values()), snapshot.retiredAccounts());
        }

        void role(RoleFacts role) {
            if (role.accountId() == null || role.roleName() == null) {
                return;
            }
            String roleArn = Arn.PREFIX + role.accountId() + ":role/" + role.roleName();
            String json = role.trustPolicyJson();
            if (json == null || json.isBlank()) {
                return; // no trust policy: the role trusts nobody
            }
            JsonNode tree;
            PolicyDocument doc;
            try {
                tree = reader.readTree(json);
                doc = reader.readTrustPolicy(tree);
            } catch (PolicyValidationException e) {
                refused(role, roleArn, e);
                return;
            } catch (RuntimeException e) {
                refused(role, roleArn, new PolicyValidationException("$", "unreadable: " + e.getClass().getSimpleName()));
                return;
            }
            JsonNode statements = tree.get("Statement");
            for (int i = 0; i < doc.statements().size(); i++) {
                Statement st = doc.statements().get(i);
                if (st.effect() != Effect.ALLOW || !st.covers(StsAction.ASSUME_ROLE)) {
                    continue;
                }
                String at = statements.isArray() ? "Statement[" + i + "]" : "Statement";
                JsonNode raw = statements.isArray() ? statements.get(i) : statements;
                Map<String, String> paths = principalPaths(raw.get("Principal"), at + ".Principal");
                Instant expires = TrustTerms.expiryOf(st).orElse(null);
                boolean externalId = TrustTerms.requiresExternalId(st);
                for (Arn arn : st.principals().arns()) {
                    edge(role, roleArn, arn, paths.getOrDefault(arn.toString(), at + ".Principal"), externalId,
                            expires);
                }
            }
        }

        private void edge(RoleFacts role, String roleArn, Arn arn, String path, boolean externalId, Instant expires) {
            String principal = arn.toString();
            String roleAccount = role.accountId();
            PrincipalKind kind = kindOf(arn);
            boolean federated = kind == PrincipalKind.OIDC_PROVIDER;
            String sourceAccount = federated ? null : arn.accountId().value();
            String sourceKey = federated ? principal : sourceAccount;
            boolean cross = !federated && !sourceAccount.equals(roleAccount);
            EdgeKey key = new EdgeKey(roleArn, sourceKey);
            Usage usage = snapshot.usage().get(key);
            Integer live = snapshot.liveSessions().get(key);
            TrustEdge edge = new TrustEdge(roleArn, roleAccount, principal, kind, sourceAccount, sourceKey, cross, path,
                    externalId, expires, usage == null ? null : usage.lastAllowed(),
                    usage == null ? null : usage.lastRefused(), live == null ? 0 : Math.max(0, live), null);
            edges.add(edge);
            judge(role, edge);
        }

        /** The findings on one edge. An expired trust allows nothing: it only gets {@code TRUST_EXPIRED}. */
        private void judge(RoleFacts role, TrustEdge e) {
            Instant now = options.now();
            String who = e.principal() + " in the trust policy of " + e.roleArn();
            if (TrustTerms.isExpired(e.expires(), now)) {
                add(e, FindingKind.TRUST_EXPIRED, Severity.LOW, who + ": its term ended at " + e.expires()
                        + ", so it allows nothing any more",
                        "Remove the principal (or the statement), or extend the DateLessThan term on acs:CurrentTime");
                return;
            }
            if (e.expires() != null && !e.expires().isAfter(now.plus(options.expiringWithin()))) {
                add(e, FindingKind.TRUST_EXPIRING, Severity.INFO, who + ": its term ends at " + e.expires() + " (in "
                        + days(Duration.between(now, e.expires())) + ")",
                        "Extend the DateLessThan term on acs:CurrentTime if the trust is still needed, else let it end");
            }
            String source = e.sourceAccountId();
            if (source != null && !accounts.containsKey(source)) {
                String retired = snapshot.retiredAccounts().get(source);
                if (retired != null) {
                    add(e, FindingKind.RETIRED_ACCOUNT, Severity.HIGH, who + " names account " + source
                            + ", once held by the deleted realm " + quote(retired)
                            + ": an account given that ID again inherits this trust",
                            "Remove " + e.principal() + " from the trust policy");
                } else {
                    add(e, FindingKind.UNKNOWN_ACCOUNT, Severity.HIGH, who + " names account " + source
                            + ", which no account holds: whoever is given that ID inherits this trust",
                            "Correct the account ID or remove " + e.principal() + " from the trust policy");
                }
            }
            if (e.crossAccount() && !e.externalId() && thirdParty(e.roleAccountId(), source)) {
                add(e, FindingKind.NO_EXTERNAL_ID, Severity.MEDIUM, who + " trusts account " + source + named(source)
                        + ", a third party (not of the same organization), without an sts:ExternalId condition",
                        "Add {\"StringEquals\":{\"sts:ExternalId\":\"<secret agreed with account " + source
                                + ">\"}} to the statement");
            }
            if (e.external() && role.adminGrade()) {
                add(e, FindingKind.ADMIN_ROLE_TRUSTED_CROSS_ACCOUNT, Severity.HIGH, e.roleArn()
                        + " has admin-grade permissions and trusts " + (e.crossAccount() ? "another account: "
                        : "an OIDC provider: ") + e.principal(),
                        "Trust a narrower role with the principal instead, or keep admin roles to their own account");
            }
            if (e.external() && e.liveSessions() == 0) {
                unused(role, e, who);
            }
        }

        private void unused(RoleFacts role, TrustEdge e, String who) {
            Instant cutoff = options.now().minus(options.unusedAfter());
            String fix = "Remove the principal from the trust policy if the access is no longer needed";
            if (e.lastAllowed() != null) {
                if (e.lastAllowed().isBefore(cutoff)) {
                    add(e, FindingKind.UNUSED_TRUST, Severity.LOW, who + ": not used since " + e.lastAllowed()
                            + " (" + days(Duration.between(e.lastAllowed(), options.now())) + ")", fix);
                }
                return;
            }
            Instant since = later(role.trustSince(), options.trackingSince());
            if (since != null && since.isBefore(cutoff)) {
                add(e, FindingKind.UNUSED_TRUST, Severity.LOW, who + ": never used since " + since + " ("
                        + days(Duration.between(since, options.now())) + ")", fix);
            }
        }

        private void refused(RoleFacts role, String roleArn, PolicyValidationException e) {
            FindingKind kind;
            String fix;
            switch (e.reason()) {
                case WILDCARD_PRINCIPAL -> {
                    kind = FindingKind.WILDCARD_PRINCIPAL;
                    fix = "List the trusted account IDs or ARNs instead of a wildcard";
                }
                case BROAD_OIDC_SUBJECT -> {
                    kind = FindingKind.BROAD_OIDC_SUB;
                    fix = "Pin oidc:sub to an owner, e.g. {\"StringLike\":{\"oidc:sub\":\"repo:org/app:*\"}}";
                }
                default -> {
                    kind = FindingKind.UNREADABLE_TRUST_POLICY;
                    fix = "Set a trust policy the server reads (the message names the fault)";
                }
            }
            String path = e.path().isEmpty() ? "$" : e.path();
            findings.add(new Finding(kind, Severity.HIGH, role.accountId(), roleArn, null, path,
                    "The trust policy of " + roleArn + " is refused (" + e.getMessage() + ")" + WHILE_REFUSED, fix));
        }

        void grant(GrantFacts grant) {
            if (grant.accountId() == null || grant.patterns() == null) {
                return;
            }
            String role = grant.keycloakRoleName() == null ? "" : grant.keycloakRoleName();
            String who = "Keycloak role " + quote(role) + " of account " + grant.accountId();
            for (int i = 0; i < grant.patterns().size(); i++) {
                String p = grant.patterns().get(i);
                String path = "sts.assume-role[" + i + "]";
                String problem = grantProblem(p);
                if (problem != null) {
                    findings.add(new Finding(FindingKind.UNREADABLE_GRANT, Severity.LOW, grant.accountId(), role, null,
                            path, who + " has an sts.assume-role value that is not a role ARN pattern: " + problem,
                            "Remove the value or correct it to a role ARN pattern (acs:ram::<accountId>:role/<name>)"));
                    continue;
                }
                String broad = grantBreadth(p, grant.accountId());
                if (broad != null) {
                    boolean own = broad.startsWith("every role of its own account");
                    findings.add(new Finding(FindingKind.BROAD_GRANT, own ? Severity.LOW : Severity.MEDIUM,
                            grant.accountId(), role, null, path, who + " grants " + quote(p) + ": " + broad,
                            "Name the roles its holders need (acs:ram::<accountId>:role/<name>) or a narrow prefix"));
                }
            }
        }

        /** Null when the pattern reads as the server reads it, else why not. */
        private String grantProblem(String pattern) {
            if (pattern == null) {
                return "null";
            }
            try {
                PolicyDocument.allowAssumeRole(List.of(pattern));
                return null;
            } catch (PolicyValidationException e) {
                return e.detail();
            }
        }

        /**
         * Null for a grant of named roles or a narrow prefix, else what it matches: {@code *}; any account (a wild
         * account field, or a wildcard spanning it); every role of one account (a resource of only wildcards after a
         * prefix of {@code role/}, such as {@code role/*} or {@code *}).
         */
        private String grantBreadth(String pattern, String grantAccount) {
            if (pattern.equals("*")) {
                return "every role of every account, including accounts created later";
            }
            String[] fields = pattern.split(":", -1);
            if (fields.length < 5 || isWild(fields[3])) {
                return "roles of any account matching the pattern, including accounts created later";
            }
            if (!everyRole(fields[4])) {
                return null;
            }
            String account = fields[3];
            return account.equals(grantAccount)
                    ? "every role of its own account, including admin-grade roles and roles created later"
                    : "every role of account " + account + named(account) + ", including roles created later";
        }

        private boolean everyRole(String resource) {
            int w = 0;
            while (w < resource.length() && resource.charAt(w) != '*' && resource.charAt(w) != '?') {
                w++;
            }
            if (!"role/".startsWith(resource.substring(0, w))) {
                return false;
            }
            String rest = resource.substring(w);
            return rest.indexOf('*') >= 0 && rest.chars().allMatch(c -> c == '*' || c == '?');
        }

        private boolean isWild(String s) {
            return s.indexOf('*') >= 0 || s.indexOf('?') >= 0;
        }

        private boolean thirdParty(String roleAccount, String sourceAccount) {
            String a = organization(roleAccount);
            String b = organization(sourceAccount);
            return a == null || !a.equals(b);
        }

        private String organization(String accountId) {
            AccountFacts a = accountId == null ? null : accounts.get(accountId);
            return a == null || a.organization() == null || a.organization().isBlank() ? null : a.organization();
        }

        private String named(String accountId) {
            AccountFacts a = accounts.get(accountId);
            return a == null || a.realmName() == null ? "" : " (realm " + quote(a.realmName()) + ")";
        }

        private void add(TrustEdge e, FindingKind kind, Severity severity, String message, String fix) {
            findings.add(new Finding(kind, severity, e.roleAccountId(), e.roleArn(), e.principal(), e.path(), message,
                    fix));
            worst.merge(e.roleArn() + '\n' + e.path(), severity, (x, y) -> x.compareTo(y) <= 0 ? x : y);
        }
    }

    /** Canonical principal → JSON path of its first occurrence in a statement's {@code Principal}. */
    private static Map<String, String> principalPaths(JsonNode principal, String at) {
        Map<String, String> out = new HashMap<>();
        if (principal == null || !principal.isObject()) {
            return out;
        }
        for (String type : List.of("RAM", "Federated")) {
            JsonNode node = principal.get(type);
            if (node == null) {
                continue;
            }
            if (node.isTextual()) {
                putCanonical(out, node.textValue(), at + "." + type);
            } else {
                for (int i = 0; i < node.size(); i++) {
                    putCanonical(out, node.get(i).asText(), at + "." + type + "[" + i + "]");
                }
            }
        }
        return out;
    }

    private static void putCanonical(Map<String, String> out, String value, String path) {
        try {
            out.putIfAbsent(Arn.parsePrincipal(value).toString(), path);
        } catch (RuntimeException e) {
            // the reader accepted the document, so this does not happen; the statement's path stands in
        }
    }

    private static PrincipalKind kindOf(Arn arn) {
        if (arn instanceof AccountArn) {
            return PrincipalKind.ACCOUNT;
        }
        if (arn instanceof RoleArn) {
            return PrincipalKind.ROLE;
        }
        if (arn instanceof OidcProviderArn) {
            return PrincipalKind.OIDC_PROVIDER;
        }
        return PrincipalKind.USER;
    }

    private static Instant later(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        return b == null || a.isAfter(b) ? a : b;
    }

    private static String days(Duration d) {
        long days = d.toDays();
        return days == 1 ? "1 day" : days + " days";
    }
}
