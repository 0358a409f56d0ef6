package io.tickcast.model;

import java.util.Locale;

/** The trainable model families; {@link #id()} names them in options, files and reports. */
public enum ModelKind {
  /** Ridge regression, solved exactly in closed form. */
  LINEAR,
  /** One hidden ReLU layer, trained with mini-batch Adam on a Huber loss. */
  MLP;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static ModelKind parse(String id) {
    return valueOf(id.strip().toUpperCase(Locale.ROOT));
  }
}
