<#import "template.ftl" as layout>
<@layout.registrationLayout displayMessage=false; section>
    <#if section = "header">
        ${msg("stsReplaceSessionTitle")}
    <#elseif section = "form">
        <link rel="stylesheet" href="${url.resourcesPath}/css/sts-console.css"/>
        <p id="sts-current-session">${msg("stsReplaceSessionHeld", stsAlias, stsCurrentIdentity)}</p>
        <p id="sts-next-session">${msg("stsReplaceSessionNext", stsNextIdentity)}</p>
        <form id="sts-switch-confirm-form" class="${properties.kcFormClass!}" action="${stsActionUrl}" method="post">
            <input type="hidden" name="pending" value="${stsPending}"/>
            <input type="hidden" name="csrf" value="${stsCsrf}"/>
            <div class="${properties.kcFormGroupClass!}">
                <button id="sts-replace-session" type="submit" name="action" value="replace"
                        class="${properties.kcButtonPrimaryClass!} ${properties.kcButtonBlockClass!}">${msg("stsReplaceSession")}</button>
                <button id="sts-keep-session" type="submit" name="action" value="cancel"
                        class="${properties.kcButtonDefaultClass!} ${properties.kcButtonBlockClass!}">${msg("stsKeepSession")}</button>
            </div>
        </form>
    </#if>
</@layout.registrationLayout>
