package io.github.keycloaksts.policy.analysis;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * The result of {@link TrustAnalyzer#analyze}: the trust edges of the platform, the findings, and the accounts they
 * were judged against, each sorted ({@link TrustEdge#ORDER}, {@link Finding#ORDER}, accounts by ID) so that equal
 * snapshots give equal analyses. Immutable.
 */
public final class TrustAnalysis {

    private final List<TrustEdge> edges;
    private final List<Finding> findings;
    private final List<AccountFacts> accounts;
    private final Map<String, String> retiredAccounts;

    TrustAnalysis(List<TrustEdge> edges, List<Finding> findings, List<AccountFacts> accounts,
                  Map<String, String> retiredAccounts) {
        List<TrustEdge> e = new ArrayList<>(edges);
        e.sort(TrustEdge.ORDER);
        List<Finding> f = new ArrayList<>(findings);
        f.sort(Finding.ORDER);
        this.edges = Collections.unmodifiableList(e);
        this.findings = Collections.unmodifiableList(f);
        this.accounts = List.copyOf(accounts);
        this.retiredAccounts = Collections.unmodifiableMap(new TreeMap<>(retiredAccounts));
    }

    /** @return every edge, by role then path */
    public List<TrustEdge> edges() {
        return edges;
    }

    /** @return every finding, worst first */
    public List<Finding> findings() {
        return findings;
    }

    /** @return the accounts (sorted by ID); in a filtered view, only those its edges touch and the account asked for */
    public List<AccountFacts> accounts() {
        return accounts;
    }

    /** @return account IDs once held by a deleted account, to the deleted realm's name, sorted by ID */
    public Map<String, String> retiredAccounts() {
        return retiredAccounts;
    }

    /** @return the number of findings per severity (every severity present, zero if none) */
    public Map<Severity, Integer> countBySeverity() {
        Map<Severity, Integer> out = new EnumMap<>(Severity.class);
        for (Severity s : Severity.values()) {
            out.put(s, 0);
        }
        for (Finding f : findings) {
            out.merge(f.severity(), 1, Integer::sum);
        }
        return Collections.unmodifiableMap(out);
    }

    /**
     * The view of an account's administrator over its roles: who can come in.
     *
     * @param accountId an account ID
     * @return the edges whose role is in that account, and the trust findings on that account's roles
     */
    public TrustAnalysis into(String accountId) {
        List<TrustEdge> e = new ArrayList<>();
        for (TrustEdge edge : edges) {
            if (Objects.equals(edge.roleAccountId(), accountId)) {
                e.add(edge);
            }
        }
        List<Finding> f = new ArrayList<>();
        for (Finding finding : findings) {
            if (!finding.kind().grantSide() && Objects.equals(finding.accountId(), accountId)) {
                f.add(finding);
            }
        }
        return view(accountId, e, f);
    }

    /**
     * The view of an account's administrator over its people: where they can go.
     *
     * @param accountId an account ID
     * @return the edges whose source is that account, and the findings on that account's grants
     */
    public TrustAnalysis outOf(String accountId) {
        List<TrustEdge> e = new ArrayList<>();
        for (TrustEdge edge : edges) {
            if (Objects.equals(edge.sourceAccountId(), accountId)) {
                e.add(edge);
            }
        }
        List<Finding> f = new ArrayList<>();
        for (Finding finding : findings) {
            if (finding.kind().grantSide() && Objects.equals(finding.accountId(), accountId)) {
                f.add(finding);
            }
        }
        return view(accountId, e, f);
    }

    private TrustAnalysis view(String accountId, List<TrustEdge> e, List<Finding> f) {
        Set<String> touched = new HashSet<>();
        touched.add(accountId);
        for (TrustEdge edge : e) {
            touched.add(edge.roleAccountId());
            touched.add(edge.sourceAccountId());
        }
        List<AccountFacts> a = new ArrayList<>();
        for (AccountFacts account : accounts) {
            if (touched.contains(account.accountId())) {
                a.add(account);
            }
        }
        Map<String, String> r = new TreeMap<>();
        retiredAccounts.forEach((id, realm) -> {
            if (touched.contains(id)) {
                r.put(id, realm);
            }
        });
        return new TrustAnalysis(e, f, a, r);
    }

    @Override
    public String toString() {
        return "TrustAnalysis{" + accounts.size() + " accounts, " + edges.size() + " edges, " + findings.size()
                + " findings " + countBySeverity() + "}";
    }
}
