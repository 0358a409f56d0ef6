package io.tickcast.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tickcast.model.ModelArtifact;
import io.tickcast.persistence.ModelRegistry.Alias;
import io.tickcast.persistence.ModelRegistry.Code;
import io.tickcast.persistence.ModelRegistry.RegistryException;
import io.tickcast.protocols.Json;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** The parts of the registry that need no Cassandra; the rest is ModelRegistryIT's (cluster-node). */
class ModelRegistryTest {

  private static final ModelArtifact SHIPPED = shipped();

  @Test
  void aStoredRowWithItsRegisteredBytesLoads() throws Exception {
    ModelArtifact loaded = verify(metadataJson(), SHIPPED.onnx());
    assertThat(loaded.metadata()).isEqualTo(SHIPPED.metadata());
    assertThat(loaded.onnx()).isEqualTo(SHIPPED.onnx());
  }

  @Test
  void tamperedBytesFailNamingTheModel() throws Exception {
    byte[] tampered = SHIPPED.onnx().clone();
    tampered[tampered.length / 2] ^= 1;
    assertThatThrownBy(() -> verify(metadataJson(), tampered))
        .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.code()).isEqualTo(Code.CHECKSUM_MISMATCH))
        .hasMessageContaining("model " + name() + " version " + version() + " is corrupt")
        .hasMessageContaining(SHIPPED.metadata().sha256());
  }

  @Test
  void aModelOfAnotherFeatureSchemaIsRefused() throws Exception {
    ObjectNode metadata = Json.MAPPER.valueToTree(SHIPPED.metadata());
    ((ObjectNode) metadata.get("featureSchema")).put("id", "some-older-schema");
    assertThatThrownBy(() -> verify(Json.MAPPER.writeValueAsString(metadata), SHIPPED.onnx()))
        .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.code()).isEqualTo(Code.INCOMPATIBLE_SCHEMA))
        .hasMessageContaining("some-older-schema");
  }

  @Test
  void theRefusalOfANonPromotableChampionNamesTheRuleAndTheMetrics() {
    assertThat(SHIPPED.metadata().promotable()).isFalse();
    assertThat(ModelRegistry.notPromotable(SHIPPED.metadata()))
        .startsWith(name() + " version " + version() + " is not promotable")
        .contains("random-walk baseline on the validation window")
        .contains("validation MAE 0.0")
        .doesNotContain("\n");
  }

  @Test
  void aliasesAndCodesHaveStableLowerCaseIds() throws Exception {
    assertThat(Alias.parse("champion")).isEqualTo(Alias.CHAMPION);
    assertThat(Json.MAPPER.writeValueAsString(Alias.CHALLENGER)).isEqualTo("\"challenger\"");
    assertThatThrownBy(() -> Alias.parse("Champion"))
        .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.code()).isEqualTo(Code.UNKNOWN_ALIAS));
    assertThat(Code.NOT_PROMOTABLE.id()).isEqualTo("not-promotable");
  }

  @Test
  void aRegistryErrorIsFoundUnderTheFailureOfAJoin() {
    CompletableFuture<Object> stage =
        CompletableFuture.completedFuture(1).thenApply(x -> {
          throw new RegistryException(Code.UNKNOWN_MODEL, "no model named x is registered");
        });
    assertThatThrownBy(stage::join)
        .isInstanceOf(CompletionException.class)
        .satisfies(e -> assertThat(RegistryException.in(e)).map(RegistryException::code).contains(Code.UNKNOWN_MODEL));
    assertThat(RegistryException.in(new IllegalStateException())).isEmpty();
  }

  private static ModelArtifact verify(String metadataJson, byte[] onnx) {
    return ModelRegistry.verified(name(), version(), SHIPPED.metadata().sha256(), metadataJson, onnx);
  }

  private static String metadataJson() throws Exception {
    return Json.MAPPER.writeValueAsString(SHIPPED.metadata());
  }

  private static String name() {
    return SHIPPED.metadata().name();
  }

  private static String version() {
    return SHIPPED.metadata().version();
  }

  private static ModelArtifact shipped() {
    try {
      return ModelArtifact.loadDefault();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
