// keycloak-sts in Keycloak's account console (keycloak.v3, a React app this script does not control). It asks the
// server what to add for the browser's session (GET /realms/{realm}/sts/account-menu, same origin, SSO cookie):
// - a role session: the account console has nothing for it (no profile, credentials or devices of its own), so the
//   browser goes to the role console, before the console can show an error;
// - a user: "Switch Role" in the upper-right user menu (desktop dropdown and narrow-screen kebab), the recently used
//   roles under it (one click: a POST of the Switch Role form with its CSRF token), and a navigation entry.
// Added nodes carry ids/classes starting with "sts-"; the console's own nodes are found by PatternFly classes and
// the data-testid of its user menu toggles ("options-toggle", "options-kebab-toggle").
const app = document.getElementById("app");
const environment = JSON.parse(document.getElementById("environment")?.textContent || "{}");
const realm = environment.realm;
const base = (environment.serverBaseUrl || location.origin).replace(/\/+$/, "");

// Hidden until the server has answered, so that a role session never sees the console's error page.
if (app) {
  app.style.visibility = "hidden";
}
const reveal = () => app && (app.style.visibility = "");
const fallback = setTimeout(reveal, 3000);

function element(tag, attributes, text) {
  const node = document.createElement(tag);
  Object.entries(attributes || {}).forEach(([name, value]) => node.setAttribute(name, value));
  if (text !== undefined) {
    node.textContent = text;
  }
  return node;
}

function menuItem(id, label, color) {
  const item = element("li", { class: "pf-v5-c-menu__list-item sts-menu-item", role: "none" });
  const button = element("button", { id, class: "pf-v5-c-menu__item", type: "button", role: "menuitem", tabindex: "-1" });
  const main = element("span", { class: "pf-v5-c-menu__item-main" });
  if (color) {
    main.appendChild(element("span", { class: "sts-swatch sts-color-" + color, "aria-hidden": "true" }));
  }
  main.appendChild(element("span", { class: "pf-v5-c-menu__item-text" }, label));
  button.appendChild(main);
  item.appendChild(button);
  return { item, button };
}

function postSwitch(menu, entry) {
  const form = element("form", { method: "post", action: menu.actionUrl, class: "sts-hidden-form" });
  const fields = { csrf: menu.csrf, account: entry.account, role: entry.role, displayName: entry.displayName, color: entry.color, from: "account" };
  Object.entries(fields).forEach(([name, value]) => form.appendChild(element("input", { type: "hidden", name, value: value || "" })));
  document.body.appendChild(form);
  form.submit();
}

function addToUserMenu(menu, list, suffix) {
  if (list.querySelector(".sts-menu-item")) {
    return;
  }
  const first = list.firstChild;
  const switchRole = menuItem("sts-switch-role-menu-item" + suffix, menu.labels.stsSwitchRole);
  switchRole.button.addEventListener("click", () => location.assign(menu.switchRoleUrl));
  list.insertBefore(switchRole.item, first);
  if (menu.recent.length > 0) {
    const heading = element("li", { class: "pf-v5-c-menu__list-item sts-menu-item sts-recent-heading", role: "presentation" });
    heading.appendChild(element("span", { class: "pf-v5-c-menu__group-title" }, menu.labels.stsRecentRoles));
    list.insertBefore(heading, first);
    menu.recent.forEach((entry, index) => {
      const recent = menuItem("sts-recent-role-" + index + suffix, entry.label, entry.color);
      recent.button.classList.add("sts-recent-role");
      recent.button.addEventListener("click", () => postSwitch(menu, entry));
      list.insertBefore(recent.item, first);
    });
  }
  list.insertBefore(element("li", { class: "pf-v5-c-divider sts-menu-item", role: "separator" }), first);
}

function addToNavigation(menu) {
  const list = document.querySelector("nav .pf-v5-c-nav__list");
  if (!list || list.querySelector("#sts-switch-role-nav")) {
    return;
  }
  const item = element("li", { class: "pf-v5-c-nav__item sts-nav-item" });
  item.appendChild(element("a", { id: "sts-switch-role-nav", class: "pf-v5-c-nav__link", href: menu.switchRoleUrl }, menu.labels.stsSwitchRole));
  list.appendChild(item);
}

function decorate(menu) {
  addToNavigation(menu);
  for (const [testId, suffix] of [["options-toggle", ""], ["options-kebab-toggle", "-kebab"]]) {
    const toggle = document.querySelector(`[data-testid="${testId}"][aria-expanded="true"]`);
    if (!toggle) {
      continue;
    }
    // PatternFly renders the open menu next to its toggle (inline popper), else at the end of the body.
    const container = toggle.parentElement;
    const list = container?.querySelector(".pf-v5-c-menu .pf-v5-c-menu__list")
      || document.querySelector(".pf-v5-c-menu:not(.pf-v5-c-nav .pf-v5-c-menu) .pf-v5-c-menu__list");
    if (list) {
      addToUserMenu(menu, list, suffix);
    }
  }
}

async function start() {
  if (!realm) {
    reveal();
    return;
  }
  let menu;
  try {
    const response = await fetch(`${base}/realms/${encodeURIComponent(realm)}/sts/account-menu`, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
    menu = response.ok ? await response.json() : null;
  } catch (e) {
    menu = null;
  }
  if (menu && menu.roleSession && menu.consoleUrl) {
    location.replace(menu.consoleUrl);
    return;
  }
  clearTimeout(fallback);
  reveal();
  if (!menu || !menu.labels) {
    return; // not signed in yet: the console signs the user in and this script runs again
  }
  decorate(menu);
  new MutationObserver(() => decorate(menu)).observe(document.body, {
    childList: true,
    subtree: true,
    attributes: true,
    attributeFilter: ["aria-expanded"],
  });
}

start();
