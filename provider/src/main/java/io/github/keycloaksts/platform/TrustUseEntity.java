package io.github.keycloaksts.platform;

import java.io.Serializable;
import java.util.Objects;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.NamedQueries;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

/**
 * The last successful assumption and the last refusal of one trust edge (table {@code STS_TRUST_USE}): a role (by its
 * storage client's ID, so a re-created role starts unused) and a source (an account ID, or an OIDC provider's ARN).
 * One row per edge, written by {@link TrustUsage}'s flush, never per exchange. A table of our own rather than realm
 * attributes: no generic Keycloak path edits it, so an account's administrators cannot make an unused trust look used.
 */
@Entity
@Table(name = "STS_TRUST_USE")
@IdClass(TrustUseEntity.Key.class)
@NamedQueries({
        @NamedQuery(name = "stsTrustUse", query = "select u from TrustUseEntity u"),
        @NamedQuery(name = "stsTrustUseOfRealm", query = "select u from TrustUseEntity u where u.realmId = :realmId"),
        @NamedQuery(name = "stsDeleteTrustUseOfRealm", query = "delete from TrustUseEntity u where u.realmId = :realmId"),
        @NamedQuery(name = "stsDeleteTrustUseOfRole", query = "delete from TrustUseEntity u where u.realmId = :realmId and u.roleId = :roleId")
})
public class TrustUseEntity {

    @Id
    @Column(name = "REALM_ID", length = 36, nullable = false)
    protected String realmId;

    @Id
    @Column(name = "ROLE_ID", length = 36, nullable = false)
    protected String roleId;

    @Id
    @Column(name = "SOURCE", length = 255, nullable = false)
    protected String source;

    /** Epoch milliseconds, or null. */
    @Column(name = "LAST_ALLOWED")
    protected Long lastAllowed;

    /** Epoch milliseconds, or null. */
    @Column(name = "LAST_REFUSED")
    protected Long lastRefused;

    public String getRealmId() {
        return realmId;
    }

    public String getRoleId() {
        return roleId;
    }

    public String getSource() {
        return source;
    }

    public Long getLastAllowed() {
        return lastAllowed;
    }

    public Long getLastRefused() {
        return lastRefused;
    }

    /** The composite key. */
    public static class Key implements Serializable {

        protected String realmId;
        protected String roleId;
        protected String source;

        public Key() {
        }

        public Key(String realmId, String roleId, String source) {
            this.realmId = realmId;
            this.roleId = roleId;
            this.source = source;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key key && Objects.equals(realmId, key.realmId) && Objects.equals(roleId, key.roleId)
                    && Objects.equals(source, key.source);
        }

        @Override
        public int hashCode() {
            return Objects.hash(realmId, roleId, source);
        }
    }
}
