<#import "template.ftl" as layout>
<@layout.registrationLayout displayMessage=false; section>
    <#if section = "header">
        ${msg("stsSignInTitle")}
    <#elseif section = "form">
        <#if stsError??>
            <div id="sts-error" class="${properties.kcAlertClass!} pf-m-danger" role="alert" aria-live="assertive">
                <p class="pf-v5-c-alert__title">${msg(stsError)}</p>
            </div>
        </#if>
        <form id="sts-signin-form" class="${properties.kcFormClass!}" action="${stsActionUrl}" method="post" novalidate>
            <div class="${properties.kcFormGroupClass!}">
                <label for="sts-alias" class="${properties.kcLabelClass!}">${msg("stsEnterpriseAlias")}</label>
                <input id="sts-alias" name="alias" type="text" class="${properties.kcInputClass!}" value="${stsAlias}" autofocus autocomplete="organization" aria-describedby="sts-alias-help"/>
                <p id="sts-alias-help" class="sts-help">${msg("stsEnterpriseAliasHelp")}</p>
            </div>
            <div class="${properties.kcFormGroupClass!}">
                <label for="sts-username" class="${properties.kcLabelClass!}">${msg("stsUsernameLabel")}</label>
                <input id="sts-username" name="username" type="text" class="${properties.kcInputClass!}" value="${stsUsername}" autocomplete="username" aria-describedby="sts-username-help"/>
                <p id="sts-username-help" class="sts-help">${msg("stsUsernameHelp")}</p>
            </div>
            <button id="sts-signin-submit" type="submit" class="${properties.kcButtonPrimaryClass!} ${properties.kcButtonBlockClass!}">${msg("stsNext")}</button>
        </form>
    </#if>
</@layout.registrationLayout>
