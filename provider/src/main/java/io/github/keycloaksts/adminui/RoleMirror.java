package io.github.keycloaksts.adminui;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import io.github.keycloaksts.role.AssumableRole;
import io.github.keycloaksts.role.AssumableRoleStore;
import org.jboss.logging.Logger;
import org.keycloak.common.util.MultivaluedHashMap;
import org.keycloak.component.ComponentModel;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.ui.extend.UiPageProvider;

/**
 * Keeps the entries of the "Assumable roles" page (components of the realm) equal to the realm's assumable roles
 * (the {@code sts-role:*} clients, the source of truth): one entry per role, with the ID of the role's client,
 * showing the role as stored. Entries of roles that no longer exist are removed, missing ones are added, stale ones
 * are rewritten. Writes made here are marked on the session so the page's own hooks let them through unchecked.
 */
final class RoleMirror {

    static final String PROVIDER_TYPE = UiPageProvider.class.getName();

    private static final MirrorWrites SYNCING = new MirrorWrites(RoleMirror.class);
    private static final String REALM_BEING_CREATED = RoleMirror.class.getName() + ".realm-being-created:";
    private static final Logger LOG = Logger.getLogger(RoleMirror.class);

    private RoleMirror() {
    }

    /** True while this class writes entries: the page's validation and write-through hooks stand aside. */
    static boolean isSyncing(KeycloakSession session) {
        return SYNCING.active(session);
    }

    /** Marks {@code realmId} as being created (realm import, {@code --import-realm}) in {@code session}, or clears it. */
    static void realmBeingCreated(KeycloakSession session, String realmId, boolean creating) {
        if (creating) {
            session.setAttribute(REALM_BEING_CREATED + realmId, Boolean.TRUE);
        } else {
            session.removeAttribute(REALM_BEING_CREATED + realmId);
        }
    }

    static boolean isRealmBeingCreated(KeycloakSession session, RealmModel realm) {
        return isRealmBeingCreated(session, realm.getId());
    }

    static boolean isRealmBeingCreated(KeycloakSession session, String realmId) {
        return session.getAttribute(REALM_BEING_CREATED + realmId) != null;
    }

    /** The page's entries in {@code realm}, by ID. */
    static Map<String, ComponentModel> entries(RealmModel realm) {
        Map<String, ComponentModel> entries = new LinkedHashMap<>();
        realm.getComponentsStream(realm.getId(), PROVIDER_TYPE)
                .filter(c -> AssumableRolesPageProviderFactory.PROVIDER_ID.equals(c.getProviderId()))
                .forEach(c -> entries.put(c.getId(), c));
        return entries;
    }

    /** Brings every entry of {@code realm} in step with the realm's roles: O(roles), for realm-wide changes. */
    static void reconcile(KeycloakSession session, RealmModel realm) {
        SYNCING.run(session, () -> {
            Map<String, ComponentModel> entries = entries(realm);
            for (AssumableRole role : new AssumableRoleStore(session, realm).list().toList()) {
                write(realm, role, entries.remove(role.id()));
            }
            for (ComponentModel orphan : entries.values()) {
                realm.removeComponent(orphan);
                LOG.debugf("Removed the page entry %s of realm %s: its role no longer exists", orphan.getName(), realm.getName());
            }
        });
    }

    /**
     * Brings the entries of the named roles and of the given clients (by ID) in step: O(changes), so that creating
     * the 10,000th role costs what the first did and concurrent changes of different roles touch different entries.
     * The entry of a named role that no longer exists is found by its name among the realm's cached components.
     */
    static void reconcile(KeycloakSession session, RealmModel realm, Set<String> roleNames, Set<String> clientIds) {
        AssumableRoleStore store = new AssumableRoleStore(session, realm);
        SYNCING.run(session, () -> {
            Set<String> done = new HashSet<>();
            for (String roleName : roleNames) {
                Optional<AssumableRole> role = store.find(roleName);
                if (role.isPresent()) {
                    if (done.add(role.get().id())) {
                        write(realm, role.get(), entry(realm, role.get().id()));
                    }
                    continue;
                }
                for (ComponentModel orphan : entries(realm).values()) {
                    ClientModel client = realm.getClientById(orphan.getId());
                    if (roleName.equals(orphan.getName()) && (client == null || store.ofClient(client).isEmpty())) {
                        realm.removeComponent(orphan);
                        done.add(orphan.getId());
                        LOG.debugf("Removed the page entry %s of realm %s: its role no longer exists", roleName, realm.getName());
                    }
                }
            }
            for (String clientId : clientIds) {
                if (!done.add(clientId)) {
                    continue;
                }
                ClientModel client = realm.getClientById(clientId);
                Optional<AssumableRole> role = client == null ? Optional.empty() : store.ofClient(client);
                ComponentModel entry = entry(realm, clientId);
                if (role.isPresent()) {
                    write(realm, role.get(), entry);
                } else if (entry != null) {
                    realm.removeComponent(entry);
                    LOG.debugf("Removed the page entry %s of realm %s: its role no longer exists", entry.getName(), realm.getName());
                }
            }
        });
    }

    /** The page's entry with {@code id}, or null. */
    private static ComponentModel entry(RealmModel realm, String id) {
        ComponentModel component = realm.getComponent(id);
        return component != null && PROVIDER_TYPE.equals(component.getProviderType())
                && AssumableRolesPageProviderFactory.PROVIDER_ID.equals(component.getProviderId()) ? component : null;
    }

    /** Adds the entry of {@code role}, or rewrites {@code entry} when it no longer shows the role as stored. */
    private static void write(RealmModel realm, AssumableRole role, ComponentModel entry) {
        MultivaluedHashMap<String, String> shown = PageEntry.configOf(role);
        if (entry != null && entry.getConfig() != null && entry.getConfig().get(PageEntry.LIVE_SESSIONS) != null) {
            shown.put(PageEntry.LIVE_SESSIONS, entry.getConfig().get(PageEntry.LIVE_SESSIONS)); // dated; refreshed on save
        }
        if (entry == null) {
            ComponentModel added = new ComponentModel();
            added.setId(role.id());
            added.setName(role.name());
            added.setParentId(realm.getId());
            added.setProviderType(PROVIDER_TYPE);
            added.setProviderId(AssumableRolesPageProviderFactory.PROVIDER_ID);
            added.setConfig(shown);
            realm.addComponentModel(added);
            LOG.tracef("Added the page entry of role %s in realm %s", role.name(), realm.getName());
        } else if (!PageEntry.same(entry.getConfig(), shown) || !Objects.equals(entry.getName(), role.name())) {
            ComponentModel updated = new ComponentModel(entry); // the realm cache may hand out its own instance
            updated.setName(role.name());
            updated.setConfig(shown);
            realm.updateComponent(updated);
            LOG.tracef("Rewrote the page entry of role %s in realm %s", role.name(), realm.getName());
        }
    }

    /** Removes every entry of {@code realm}: the page is off (feature {@code declarative-ui}), so nothing mirrors. */
    static void clear(KeycloakSession session, RealmModel realm) {
        SYNCING.run(session, () -> entries(realm).values().forEach(realm::removeComponent));
    }
}
