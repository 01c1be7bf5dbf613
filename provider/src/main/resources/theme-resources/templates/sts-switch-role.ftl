<#import "template.ftl" as layout>
<@layout.registrationLayout displayMessage=false; section>
    <#if section = "header">
        ${msg("stsSwitchRoleTitle")}
    <#elseif section = "form">
        <link rel="stylesheet" href="${url.resourcesPath}/css/sts-console.css"/>
        <p id="sts-signed-in-as" class="sts-muted">${msg("stsSignedInAs", stsUsername, realm.name)}</p>
        <#if stsError??>
            <div id="sts-error" class="${properties.kcAlertClass!} pf-m-danger" role="alert" aria-live="assertive">
                <p class="pf-v5-c-alert__title">${msg(stsError)}</p>
                <#if stsRequestId??>
                    <p id="sts-request-id" class="sts-help">${msg("stsRequestIdNotice")} <code>${stsRequestId}</code></p>
                </#if>
            </div>
        </#if>
        <form id="sts-switch-role-form" class="${properties.kcFormClass!}" action="${stsActionUrl}" method="post" novalidate>
            <input type="hidden" name="csrf" value="${stsCsrf}"/>
            <#if stsFrom?has_content><input type="hidden" name="from" value="${stsFrom}"/></#if>
            <div class="${properties.kcFormGroupClass!}">
                <label for="sts-account" class="${properties.kcLabelClass!}">${msg("stsAccountLabel")}</label>
                <input id="sts-account" name="account" type="text" class="${properties.kcInputClass!}" value="${stsAccount}"
                       autocomplete="off" autofocus required aria-required="true" aria-describedby="sts-account-help" maxlength="255"/>
                <p id="sts-account-help" class="sts-help">${msg("stsAccountHelp")}</p>
            </div>
            <div class="${properties.kcFormGroupClass!}">
                <label for="sts-role" class="${properties.kcLabelClass!}">${msg("stsRoleLabel")}</label>
                <input id="sts-role" name="role" type="text" class="${properties.kcInputClass!}" value="${stsRole}"
                       autocomplete="off" required aria-required="true" aria-describedby="sts-role-help" maxlength="64"/>
                <p id="sts-role-help" class="sts-help">${msg("stsRoleHelp")}</p>
            </div>
            <div class="${properties.kcFormGroupClass!}">
                <label for="sts-display-name" class="${properties.kcLabelClass!}">${msg("stsDisplayNameLabel")}</label>
                <input id="sts-display-name" name="displayName" type="text" class="${properties.kcInputClass!}" maxlength="64" autocomplete="off"/>
            </div>
            <fieldset class="${properties.kcFormGroupClass!} sts-colors">
                <legend class="${properties.kcLabelClass!}">${msg("stsColorLabel")}</legend>
                <label><input type="radio" name="color" value="" checked/> ${msg("stsColorNone")}</label>
                <#list ["red", "orange", "yellow", "green", "blue"] as c>
                    <label><input type="radio" name="color" value="${c}"/> <span class="sts-swatch sts-color-${c}" aria-hidden="true"></span> ${msg("stsColor_" + c)}</label>
                </#list>
            </fieldset>
            <#if stsPrincipalTags?has_content>
                <div class="${properties.kcFormGroupClass!}">
                    <p class="${properties.kcLabelClass!}">${msg("stsSessionTagsLabel")}</p>
                    <ul id="sts-principal-tags" class="sts-tags" aria-describedby="sts-principal-tags-help">
                        <#list stsPrincipalTags as t><li><code>${t.key}=${t.value}</code></li></#list>
                    </ul>
                    <p id="sts-principal-tags-help" class="sts-help">${msg("stsPrincipalTagsHelp")}</p>
                </div>
            </#if>
            <div class="${properties.kcFormGroupClass!}">
                <button id="sts-switch-role-submit" type="submit" class="${properties.kcButtonPrimaryClass!} ${properties.kcButtonBlockClass!}">${msg("stsSwitchRole")}</button>
            </div>
            <#if stsCancelUrl??>
                <div class="${properties.kcFormGroupClass!}">
                    <a id="sts-cancel" href="${stsCancelUrl}" class="${properties.kcButtonDefaultClass!} ${properties.kcButtonBlockClass!}">${msg("stsCancelToAccount")}</a>
                </div>
            </#if>
        </form>
        <#if stsRecent?has_content>
            <h2 class="sts-recent-title">${msg("stsRecentRoles")}</h2>
            <ul id="sts-recent-roles" class="sts-recent">
                <#list stsRecent as r>
                    <li>
                        <form action="${stsActionUrl}" method="post">
                            <input type="hidden" name="csrf" value="${stsCsrf}"/>
                            <input type="hidden" name="account" value="${r.account}"/>
                            <input type="hidden" name="role" value="${r.role}"/>
                            <input type="hidden" name="displayName" value="${r.displayName}"/>
                            <input type="hidden" name="color" value="${r.color}"/>
                            <button type="submit" class="pf-v5-c-button pf-m-link sts-recent-role">
                                <#if r.color?has_content><span class="sts-swatch sts-color-${r.color}" aria-hidden="true"></span></#if>${r.label}
                            </button>
                        </form>
                    </li>
                </#list>
            </ul>
        </#if>
    </#if>
</@layout.registrationLayout>
