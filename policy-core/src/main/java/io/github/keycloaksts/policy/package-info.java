/**
 * The policy engine of keycloak-sts: Alibaba-RAM-style policy documents, ARNs and AssumeRole
 * decisions, as a plain Java library (no Keycloak types).
 *
 * <ul>
 *   <li>{@link io.github.keycloaksts.policy.arn}: {@code Arn} and its kinds, {@code AccountId},
 *       {@code ArnPattern} (globs over ARNs).</li>
 *   <li>{@link io.github.keycloaksts.policy.document}: {@code PolicyReader} (strict, limited by
 *       {@link io.github.keycloaksts.policy.PolicyLimits}), {@code PolicyDocument},
 *       {@code Statement} ({@code PolicyDocument.allowAssumeRole} builds a source grant),
 *       {@code PolicyWriter} (canonical JSON).</li>
 *   <li>{@link io.github.keycloaksts.policy.condition}: operators, keys, and the
 *       {@code RequestContext} holding a request's key values.</li>
 *   <li>{@link io.github.keycloaksts.policy.eval}: {@code AssumeRoleEvaluator} (both sides must
 *       allow; explicit Deny wins; fail closed), {@code Decision},
 *       {@code SessionPolicyNarrowing}.</li>
 * </ul>
 *
 * <p>Every parser throws only {@link io.github.keycloaksts.policy.PolicyValidationException}
 * (path + detail). Typical use:
 *
 * <pre>{@code
 * PolicyDocument trust = PolicyReader.defaults().readTrustPolicy(storedJson);      // cache it
 * PolicyDocument grant = PolicyDocument.allowAssumeRole(stsAssumeRoleAttributeValues); // cache it
 * AssumeRoleRequest request = AssumeRoleRequest.forUser(sourceAccountId, username,
 *         RoleArn.parse(roleArnParameter),
 *         RequestContext.builder().externalId(externalId).sourceIp(remoteAddress)
 *                 .currentTime(Instant.now()).roleSessionName(sessionName).build());
 * Decision decision = new AssumeRoleEvaluator().evaluate(request, List.of(grant), trust);
 * if (!decision.isAllowed()) {
 *     // log decision.reason(), decision.side(), decision.decidingStatements(); answer access_denied
 * }
 * }</pre>
 */
package io.github.keycloaksts.policy;

