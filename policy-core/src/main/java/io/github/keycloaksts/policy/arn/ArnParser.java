package io.github.keycloaksts.policy.arn;

import static io.github.keycloaksts.policy.internal.Texts.quote;

final class ArnParser {

    private ArnParser() {
    }

    static Arn parse(String arn) {
        if (arn == null) {
            throw new InvalidArnException("not an ARN: null");
        }
        if (!arn.startsWith("acs:")) {
            throw new InvalidArnException("not an ARN: " + quote(arn));
        }
        String[] parts = arn.split(":", -1);
        if (parts.length != 5) {
            throw new InvalidArnException("not an ARN: " + quote(arn)
                    + " (expected acs:ram::<accountId>:<resource>)");
        }
        if (!parts[1].equals("ram")) {
            throw new InvalidArnException("unsupported service " + quote(parts[1]) + " in ARN " + quote(arn)
                    + " (only ram)");
        }
        if (!parts[2].isEmpty()) {
            throw new InvalidArnException("region must be empty in ARN " + quote(arn));
        }
        AccountId account = AccountId.of(parts[3]);
        String resource = parts[4];
        if (resource.equals("root")) {
            return new AccountArn(account);
        }
        if (resource.startsWith("user/")) {
            return new UserArn(account, resource.substring("user/".length()));
        }
        if (resource.startsWith("role/")) {
            String rest = resource.substring("role/".length());
            int slash = rest.indexOf('/');
            if (slash < 0) {
                return new RoleArn(account, rest);
            }
            return new AssumedRoleArn(new RoleArn(account, rest.substring(0, slash)), rest.substring(slash + 1));
        }
        if (resource.startsWith("oidc-provider/")) {
            return new OidcProviderArn(account, resource.substring("oidc-provider/".length()));
        }
        throw new InvalidArnException("unknown resource type in ARN " + quote(arn)
                + " (expected root, user/<name>, role/<name> or oidc-provider/<name>)");
    }

    static <T extends Arn> T parseAs(String arn, Class<T> type, String what) {
        Arn parsed = parse(arn);
        if (!type.isInstance(parsed)) {
            throw new InvalidArnException("not " + what + " ARN: " + quote(arn));
        }
        return type.cast(parsed);
    }
}
