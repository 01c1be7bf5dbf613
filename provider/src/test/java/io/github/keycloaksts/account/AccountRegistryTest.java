package io.github.keycloaksts.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The part of the account register that decides on the ID alone: a malformed ID is refused before the register (the
 * master realm) is read, so no session or realm is involved and none is given here.
 */
class AccountRegistryTest {

    static final AccountRegistry WITHOUT_SESSION = new AccountRegistry(null);

    @ParameterizedTest(name = "[{index}] <{0}>")
    @NullSource
    @ValueSource(strings = {"", "1234567", "12345678901234567", "1122334a", " 11223344", "11223344 ", "-11223344", "١١٢٢٣٣٤٤"})
    void anIdThatIsNot8To16AsciiDigitsIsMalformed(String accountId) {
        assertThat(WITHOUT_SESSION.check(null, accountId)).isEqualTo(AccountRegistry.Problem.MALFORMED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1234567", "abcdefgh"})
    void assigningAMalformedIdFailsBeforeAnythingIsWritten(String accountId) {
        assertThatThrownBy(() -> WITHOUT_SESSION.assign(null, accountId))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("not an account ID: " + accountId);
        // Reinstating does not make a malformed ID acceptable.
        assertThatThrownBy(() -> WITHOUT_SESSION.assign(null, accountId, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("not an account ID: " + accountId);
    }
}
