<#import "template.ftl" as layout>
<@layout.registrationLayout displayMessage=false; section>
    <#if section = "header">
        ${msg("stsConsoleTitle")}
    <#elseif section = "form">
        <p id="sts-message">${msg(stsMessage)}</p>
    </#if>
</@layout.registrationLayout>
