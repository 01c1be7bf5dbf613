<#import "template.ftl" as layout>
<@layout.registrationLayout displayMessage=false; section>
    <#if section = "header">
        ${msg("stsConsoleTitle")}
    <#elseif section = "form">
        <link rel="stylesheet" href="${url.resourcesPath}/css/sts-console.css"/>
        <div class="sts-role-banner<#if stsColor?has_content> sts-color-${stsColor}</#if>">
            <#if stsDisplayName?has_content><p class="sts-display-name">${stsDisplayName}</p></#if>
            <p id="sts-acting" class="sts-acting">${stsRoleName} @ ${stsAlias} (${stsAccountId})</p>
            <p id="sts-via" class="sts-muted">${msg("stsVia", stsSourceUsername + " @ " + stsSourceAlias)}</p>
            <p class="sts-identity-actions"><a id="sts-switch-again" href="${stsSwitchRoleUrl}">${msg("stsSwitchRoleAgain")}</a></p>
        </div>
        <dl class="sts-facts">
            <dt>${msg("stsRoleArnLabel")}</dt><dd><code>${stsRoleArn}/${stsSessionName}</code></dd>
            <dt>${msg("stsPoliciesLabel")}</dt>
            <dd>
                <ul id="sts-policies">
                    <#list stsPolicies as p><li>${p}</li><#else><li class="sts-muted">${msg("stsNoPolicies")}</li></#list>
                </ul>
            </dd>
            <#if stsSessionTags?has_content>
                <dt>${msg("stsSessionTagsLabel")}</dt>
                <dd><ul id="sts-session-tags" class="sts-tags"><#list stsSessionTags as t><li><code>${t.key}=${t.value}</code></li></#list></ul></dd>
            </#if>
            <dt>${msg("stsTimeLeftLabel")}</dt><dd id="sts-time-left">${msg("stsMinutesLeft", stsMinutesLeft)}</dd>
        </dl>
        <form action="${stsBackUrl}" method="post">
            <input type="hidden" name="csrf" value="${stsCsrf}"/>
            <button id="sts-back" type="submit" class="${properties.kcButtonPrimaryClass!} ${properties.kcButtonBlockClass!}">${msg("stsBackTo", stsSourceAlias)}</button>
        </form>
    </#if>
</@layout.registrationLayout>
