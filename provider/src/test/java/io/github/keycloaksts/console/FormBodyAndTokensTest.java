package io.github.keycloaksts.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import jakarta.ws.rs.core.MultivaluedMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class FormBodyAndTokensTest {

    static MultivaluedMap<String, String> parse(String body) {
        return FormBody.parse(body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void decodesRepeatedEmptyAndBracedValues() {
        MultivaluedMap<String, String> form = parse("account=%7Bx%7D&role=&role=b&csrf&=x&&display+name=a+b");
        assertThat(form.getFirst("account")).isEqualTo("{x}");
        assertThat(form.get("role")).containsExactly("", "b");
        assertThat(form.getFirst("csrf")).isEmpty();
        assertThat(form.getFirst("display name")).isEqualTo("a b");
        assertThat(form).doesNotContainKey("");
    }

    @ParameterizedTest
    @ValueSource(strings = {"%zz", "account=%", "account=%4", "csrf=%zz&account=x"})
    void invalidPercentEncodingIsABadRequest(String body) {
        assertThatThrownBy(() -> parse(body)).isInstanceOf(FormBody.Malformed.class);
    }

    @Test
    void emptyBodyIsAnEmptyForm() {
        assertThat(FormBody.parse(new byte[0])).isEmpty();
        assertThat(FormBody.parse(null)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(nullValues = "null", value = {"zh-CN,zh-CN", "en,en", "{x},null", "zh-CN%00,null", "'',null", "null,null",
            "aaaaaaaaaaaaaaaaaaaa,null", "en-US-x-y-z,null"})
    void onlyPlainLanguageTagsAreLocales(String input, String expected) {
        assertThat(ConsoleSupport.validLocale(input)).isEqualTo(expected);
    }

    @Test
    void randomTokensAreWellFormedAndDistinct() {
        String a = ConsoleSupport.randomToken();
        String b = ConsoleSupport.randomToken();
        assertThat(a).isNotEqualTo(b).hasSize(43);
        assertThat(ConsoleSupport.wellFormedToken(a)).isTrue();
        assertThat(ConsoleSupport.wellFormedToken("{x}")).isFalse();
        assertThat(ConsoleSupport.wellFormedToken("short")).isFalse();
        assertThat(ConsoleSupport.wellFormedToken("a".repeat(65))).isFalse();
        assertThat(ConsoleSupport.wellFormedToken(null)).isFalse();
        assertThat(ConsoleSupport.constantTimeEquals(ConsoleSupport.sha256(a), ConsoleSupport.sha256(a))).isTrue();
        assertThat(ConsoleSupport.constantTimeEquals(ConsoleSupport.sha256(a), ConsoleSupport.sha256(b))).isFalse();
        assertThat(ConsoleSupport.constantTimeEquals(null, "x")).isFalse();
    }
}
