package io.github.keycloaksts.policy.condition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpRangeTest {

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "255.255.255.255", "10.0.0.0/8", "10.0.0.0/0", "1.2.3.4/32", "::", "::1",
            "::/0", "1::", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8/128", "2001:db8::/32", "FE80::1", "::ffff:1.2.3.4",
            "1:2:3:4:5:6:1.2.3.4", "::1.2.3.4", "1::1.2.3.4", "a:b::c:d"})
    void parsesValid(String text) {
        assertThat(IpRange.parse(text)).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1.2.3", "1.2.3.4.5", "256.0.0.0", "01.2.3.4", "1.2.3.4/", "1.2.3.4/33", "1.2.3.4/08",
            "1.2.3.4/-1", "1.2.3.4 ", " 1.2.3.4", "a.b.c.d", "1..2.3", ":::", "1:2:3:4:5:6:7:8:9", "1::2::3",
            "12345::", "g::", "1:2:3:4:5:6:7", ":1::", "1:", "::1/129", "fe80::1%1", "1:2:3:4:5:6:7::1.2.3.4",
            "::1.2.3", "::256.1.1.1", "localhost", "0x7f.0.0.1", "1.2.3.4/3a", "::/", "١.٢.٣.٤", "::١"})
    void rejectsInvalid(String text) {
        assertThat(IpRange.parse(text)).isNull();
    }

    @ParameterizedTest(name = "{0} contains {1} = {2}")
    @CsvSource(delimiter = '|', textBlock = """
            10.0.0.0/8        | 10.255.255.255 | true
            10.0.0.0/8        | 9.255.255.255  | false
            10.128.0.0/9      | 10.127.0.1     | false
            10.128.0.0/9      | 10.128.0.1     | true
            0.0.0.0/0         | 1.2.3.4        | true
            1.2.3.4           | 1.2.3.4        | true
            2001:db8::/33     | 2001:db8:7fff::| true
            2001:db8::/33     | 2001:db8:8000::| false
            ::ffff:0:0/96     | 8.8.8.8        | true
            """)
    void containment(String range, String address, boolean expected) {
        assertThat(IpRange.parse(range).contains(IpRange.parseAddress(address))).isEqualTo(expected);
    }

    @Test
    void contextAcceptsInetAddressesAndNormalisesMappedV4() throws Exception {
        RequestContext ctx = RequestContext.builder()
                .sourceIp(InetAddress.getByAddress(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 10, 1, 2, 3}))
                .build();
        assertThat(ctx.sourceIp()).contains(InetAddress.getByName("10.1.2.3"));
        assertThat(IpRange.parse("10.0.0.0/8").contains((byte[]) ctx.value(ConditionKey.SOURCE_IP))).isTrue();
    }

    @Test
    void contextRefusesHostNames() {
        assertThatThrownBy(() -> RequestContext.builder().sourceIp("example.com"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("not an IP address: \"example.com\"");
    }

    @Test
    void contextToStringHidesExternalId() {
        String s = RequestContext.builder().externalId("secret").sourceIp("10.0.0.1").roleSessionName("bob").build().toString();
        assertThat(s).doesNotContain("secret").contains("sts:ExternalId=***", "acs:SourceIp=10.0.0.1", "sts:RoleSessionName=bob");
    }
}
