package io.tickcast.http.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ApiKeysTest {

  @Test
  void aKeyIsThePrefixAnd32RandomBytesInBase64url() {
    ApiKeys.NewKey key = ApiKeys.generate();
    assertThat(key.secret()).startsWith("tck_").hasSize(4 + 43).matches("tck_[A-Za-z0-9_-]+");
    assertThat(ApiKeys.wellFormed(key.secret())).isTrue();
    assertThat(key.keyId()).matches("[0-9a-f]{16}");
  }

  @Test
  void keysAndIdsDoNotRepeat() {
    Set<String> secrets = new HashSet<>();
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      ApiKeys.NewKey key = ApiKeys.generate();
      secrets.add(key.secret());
      ids.add(key.keyId());
    }
    assertThat(secrets).hasSize(1000);
    assertThat(ids).hasSize(1000);
  }

  @Test
  void theHashIsSha256InLowerCaseHex() {
    // FIPS 180-2 test vector.
    assertThat(ApiKeys.hash("abc")).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    ApiKeys.NewKey key = ApiKeys.generate();
    assertThat(key.hash()).isEqualTo(ApiKeys.hash(key.secret())).hasSize(64).doesNotContain(key.secret());
  }

  @Test
  void onlyKeyShapedTokensAreWellFormed() {
    String valid = ApiKeys.generate().secret();
    assertThat(ApiKeys.wellFormed(valid.substring(1))).isFalse();
    assertThat(ApiKeys.wellFormed(valid + "A")).isFalse();
    assertThat(ApiKeys.wellFormed("tck_" + "=".repeat(43))).isFalse();
    assertThat(ApiKeys.wellFormed("")).isFalse();
  }

  @Test
  void theSecretNeverShowsInToString() {
    ApiKeys.NewKey key = ApiKeys.generate();
    assertThat(key.toString()).contains(key.keyId()).doesNotContain(key.secret());
  }

  @Test
  void rolesAreHierarchical() {
    assertThat(Role.ADMIN.includes(Role.TRADER)).isTrue();
    assertThat(Role.ADMIN.includes(Role.VIEWER)).isTrue();
    assertThat(Role.TRADER.includes(Role.VIEWER)).isTrue();
    assertThat(Role.TRADER.includes(Role.ADMIN)).isFalse();
    assertThat(Role.VIEWER.includes(Role.TRADER)).isFalse();
    assertThat(Role.VIEWER.includes(Role.VIEWER)).isTrue();
    assertThat(Role.parse(" Admin ")).isEqualTo(Role.ADMIN);
    assertThatThrownBy(() -> Role.parse("root")).hasMessageContaining("viewer, trader, admin");
  }
}
