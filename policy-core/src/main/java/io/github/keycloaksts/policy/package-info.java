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
 *       allow; explicit Deny wins; fail closed; {@code evaluateTagSession} for session tags),
 *       {@code Decision}, {@code SessionPolicyNarrowing}.</li>
 *   <li>{@link io.github.keycloaksts.policy.tags}: {@code SessionTags} (the tags of a role session,
 *       the {@code tags} and {@code transitive_tag_keys} parameters, one hop of a chain).</li>
 *   <li>{@link io.github.keycloaksts.policy.analysis}: {@code TrustAnalyzer} (the platform's trust edges and what is
 *       wrong with them, like AWS IAM Access Analyzer), {@code TrustTerms} (a statement's term and external ID),
 *       {@code TrustGraphReport} (a self-contained HTML page).</li>
 * </ul>
 *
 * <p>Actions: {@code sts:AssumeRole} (every kind of document) and {@code sts:TagSession} (trust
 * policies: may the request tag the session); patterns such as {@code sts:*} and {@code *} name
 * both. A statement applies to an action only if one of its patterns names it.
 *
 * <p>Condition keys (names case-insensitive): {@code sts:ExternalId}, {@code sts:RoleSessionName},
 * {@code sts:SourceClientId}, {@code sts:SourceIdentity} (the ARN that started a chain of role
 * sessions), {@code sts:DurationSeconds}, {@code acs:SourceIp}, {@code acs:CurrentTime},
 * {@code acs:MFAPresent}, {@code oidc:iss}, {@code oidc:aud} (multi-valued), {@code oidc:sub},
 * {@code acs:RequestTag/<tag key>} (a tag the request asks for), {@code acs:PrincipalTag/<tag key>}
 * (a tag of the requester; the tag-key part is case-insensitive too) and {@code acs:TagKeys}
 * (multi-valued: the request tags' keys).
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
 *
 * <p>With session tags, the tags join the context and the trust policy must also allow
 * {@code sts:TagSession}:
 *
 * <pre>{@code
 * Map<String, String> tags = SessionTags.parseRequestTags(params.get("tags"));   // TagValidationException
 * RequestContext ctx = RequestContext.builder()....requestTags(tags).principalTags(userTags)
 *         .sourceIdentity(chainStart).build();
 * // evaluate(...) as above, then, if tags or transitive keys were given:
 * Decision tagging = evaluator.evaluateTagSession(request, trust);
 * SessionTags session = SessionTags.next(previousSessionTags, userTags, tags,
 *         SessionTags.parseTransitiveKeys(params.get("transitive_tag_keys")));
 * }</pre>
 */
package io.github.keycloaksts.policy;

