package io.tickcast.model;

import io.tickcast.features.vector.FeatureVector;
import java.util.List;

/**
 * The input columns of a model, in order: what {@link FeatureVector#of} produces when the model is
 * trained, and what a model's metadata must match before it is served.
 */
public record FeatureSchema(String id, List<String> names) {
  public FeatureSchema {
    names = List.copyOf(names);
  }

  /** The schema of this build's {@link FeatureVector}. */
  public static FeatureSchema current() {
    return new FeatureSchema(FeatureVector.SCHEMA_ID, FeatureVector.NAMES);
  }

  public int size() {
    return names.size();
  }

  public int indexOf(String name) {
    int i = names.indexOf(name);
    if (i < 0) {
      throw new IllegalArgumentException("no feature " + name + " in " + id);
    }
    return i;
  }

  /** Fails unless a model built for {@code other} can be fed this schema's vectors. */
  public void requireCompatible(FeatureSchema other) {
    if (!equals(other)) {
      throw new IllegalStateException(
          "feature schema mismatch: model expects " + other + ", this build produces " + this);
    }
  }
}
