/**
 * Session tags: the key-value pairs a role session carries, which conditions test as {@code acs:RequestTag/<key>},
 * {@code acs:PrincipalTag/<key>} and {@code acs:TagKeys}. {@link io.github.keycloaksts.policy.tags.SessionTags} holds
 * one session's tags, validates them (AWS rules: at most 50, keys of 1-128 and values of 0-256 letters, digits,
 * spaces and {@code _ . : / = + - @}, no reserved {@code acs:}/{@code aws:} keys, keys unique ignoring case), reads
 * the exchange parameters {@code tags} and {@code transitive_tag_keys}, and merges one hop of a chain of role sessions
 * ({@link io.github.keycloaksts.policy.tags.SessionTags#next}). Every refusal is a
 * {@link io.github.keycloaksts.policy.tags.TagValidationException} naming the key.
 */
package io.github.keycloaksts.policy.tags;
