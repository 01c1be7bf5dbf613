package io.github.keycloaksts.account;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** {@code GET /realms/{realm}/sts/account} answers with an {@link Account}: its JSON is what partners read. */
class AccountTest {

    @Test
    void anAccountIsWrittenAsItsIdAliasAndArn() throws Exception {
        Account account = new Account("11223344", "company-a", "acs:ram::11223344:root");

        assertThat(new ObjectMapper().writeValueAsString(account))
                .isEqualTo("{\"accountId\":\"11223344\",\"alias\":\"company-a\",\"arn\":\"acs:ram::11223344:root\"}");
    }

}
