package io.tickcast.node;

import java.nio.file.Path;

/** Where the checkout lives: {@code ./tickcast} passes it as {@code -Dtickcast.home}. */
final class ProjectPaths {

  private ProjectPaths() {}

  static Path home() {
    return Path.of(System.getProperty("tickcast.home", ".")).toAbsolutePath().normalize();
  }

  static Path resolve(Path path) {
    return path.isAbsolute() ? path : home().resolve(path).normalize();
  }
}
