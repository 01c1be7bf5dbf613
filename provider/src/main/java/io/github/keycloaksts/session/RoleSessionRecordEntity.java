package io.github.keycloaksts.session;

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
 * One started role session (table {@code STS_ROLE_SESSION}, changelog {@code META-INF/sts-role-session-records-changelog.xml}):
 * what {@code GET …/roles/{role}/sessions} shows, written by the exchange or Switch Role sign-in that started it. Keyed
 * by realm and session ID (a token's {@code jti}, or the browser role session's ID), so a look-up is always within one
 * realm. No foreign keys: rows of a removed realm or role are deleted by {@link RoleSessionRecords}' listeners, and
 * expired rows by {@link ExpiredRoleSessionRecords}.
 */
@Entity
@Table(name = "STS_ROLE_SESSION")
@IdClass(RoleSessionRecordEntity.Key.class)
@NamedQueries({
        @NamedQuery(name = "stsRoleSessionsOfRole", query = "select r from RoleSessionRecordEntity r where r.realmId = :realmId"
                + " and r.roleId = :roleId and r.expiresAt > :now order by r.issuedAt desc"),
        @NamedQuery(name = "stsRoleSessionTokensOfClient", query = "select r from RoleSessionRecordEntity r where r.realmId = :realmId"
                + " and r.clientId = :clientId and r.kind = 'token' and r.expiresAt > :now and r.issuedAt <= :until"),
        @NamedQuery(name = "stsRoleSessionClientsWithTokens", query = "select distinct r.clientId from RoleSessionRecordEntity r"
                + " where r.realmId = :realmId and r.kind = 'token' and r.expiresAt > :now and r.clientId is not null"),
        @NamedQuery(name = "stsDeleteExpiredRoleSessions", query = "delete from RoleSessionRecordEntity r where r.expiresAt <= :now"),
        @NamedQuery(name = "stsDeleteRoleSessionsOfRealm", query = "delete from RoleSessionRecordEntity r where r.realmId = :realmId"),
        @NamedQuery(name = "stsDeleteRoleSessionsOfRole", query = "delete from RoleSessionRecordEntity r where r.realmId = :realmId"
                + " and r.roleId = :roleId")
})
public class RoleSessionRecordEntity {

    @Id
    @Column(name = "REALM_ID", length = 36, nullable = false)
    protected String realmId;

    @Id
    @Column(name = "SESSION_ID", length = 255, nullable = false)
    protected String sessionId;

    /** The ID of the role's storage client: a role re-created under the same name has another. */
    @Column(name = "ROLE_ID", length = 36, nullable = false)
    protected String roleId;

    /** {@code token} or {@code browser}. */
    @Column(name = "KIND", length = 16, nullable = false)
    protected String kind;

    @Column(name = "SOURCE_ACCOUNT", length = 32)
    protected String sourceAccount;

    @Column(name = "SOURCE_IDENTITY", length = 1024)
    protected String sourceIdentity;

    @Column(name = "SOURCE_USER_ID", length = 255)
    protected String sourceUserId;

    @Column(name = "SOURCE_SESSION_ID", length = 255)
    protected String sourceSessionId;

    @Column(name = "SESSION_NAME", length = 255)
    protected String sessionName;

    @Column(name = "CLIENT_ID", length = 255)
    protected String clientId;

    @Column(name = "IP_ADDRESS", length = 255)
    protected String ipAddress;

    /** The role-session user the tokens name: looking it up re-checks the session (live.LiveRoleSessions). */
    @Column(name = "USER_ID", length = 255, nullable = false)
    protected String userId;

    /** The session tags as a JSON object, or null for none ({@link RoleSessionRecords#tagsText}). */
    @Column(name = "SESSION_TAGS", length = 4000)
    protected String sessionTags;

    /** Milliseconds since the epoch. */
    @Column(name = "ISSUED_AT", nullable = false)
    protected long issuedAt;

    /** Seconds since the epoch, as the token's {@code exp}. */
    @Column(name = "EXPIRES_AT", nullable = false)
    protected long expiresAt;

    public String getRealmId() {
        return realmId;
    }

    public String getSessionId() {
        return sessionId;
    }

    public String getRoleId() {
        return roleId;
    }

    public String getKind() {
        return kind;
    }

    public String getSourceAccount() {
        return sourceAccount;
    }

    public String getSourceIdentity() {
        return sourceIdentity;
    }

    public String getSourceUserId() {
        return sourceUserId;
    }

    public String getSourceSessionId() {
        return sourceSessionId;
    }

    public String getSessionName() {
        return sessionName;
    }

    public String getClientId() {
        return clientId;
    }

    public String getIpAddress() {
        return ipAddress;
    }

    public String getSessionTags() {
        return sessionTags;
    }

    public String getUserId() {
        return userId;
    }

    public long getIssuedAt() {
        return issuedAt;
    }

    public long getExpiresAt() {
        return expiresAt;
    }

    /** The composite primary key (REALM_ID, SESSION_ID). */
    public static class Key implements Serializable {

        protected String realmId;
        protected String sessionId;

        public Key() {
        }

        public Key(String realmId, String sessionId) {
            this.realmId = realmId;
            this.sessionId = sessionId;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key key && Objects.equals(realmId, key.realmId) && Objects.equals(sessionId, key.sessionId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(realmId, sessionId);
        }
    }
}
