package io.tickcast.model;

import io.tickcast.protocols.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An exported model as the live system loads it: the ONNX bytes and their {@link ModelMetadata},
 * checked on load (SHA-256 of the bytes, and the feature schema against this build's).
 */
public record ModelArtifact(ModelMetadata metadata, byte[] onnx) {

  /** Classpath folder of the model shipped with Tickcast. */
  public static final String DEFAULT_RESOURCE = "/default-model/";

  public ModelArtifact {
    String actual = TrainPipeline.sha256(onnx);
    if (!actual.equals(metadata.sha256())) {
      throw new IllegalStateException(
          "ONNX file of " + metadata.name() + " has SHA-256 " + actual + ", metadata says " + metadata.sha256());
    }
    FeatureSchema.current().requireCompatible(metadata.featureSchema());
  }

  /** The default model: {@code default-model/model.json} and the ONNX file it names. */
  public static ModelArtifact loadDefault() throws IOException {
    ModelMetadata metadata;
    try (InputStream in = resource("model.json")) {
      metadata = Json.MAPPER.readValue(in, ModelMetadata.class);
    }
    try (InputStream in = resource(metadata.onnxFile())) {
      return new ModelArtifact(metadata, in.readAllBytes());
    }
  }

  /** A model written by {@link TrainPipeline}: its metadata JSON, next to the ONNX file it names. */
  public static ModelArtifact load(Path metadataJson) throws IOException {
    ModelMetadata metadata = Json.MAPPER.readValue(metadataJson.toFile(), ModelMetadata.class);
    return new ModelArtifact(metadata, Files.readAllBytes(metadataJson.resolveSibling(metadata.onnxFile())));
  }

  private static InputStream resource(String name) throws IOException {
    InputStream in = ModelArtifact.class.getResourceAsStream(DEFAULT_RESOURCE + name);
    if (in == null) {
      throw new IOException("resource " + DEFAULT_RESOURCE + name + " not on the classpath");
    }
    return in;
  }
}
