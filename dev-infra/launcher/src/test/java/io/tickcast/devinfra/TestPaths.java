package io.tickcast.devinfra;

import java.net.URISyntaxException;
import java.nio.file.Path;

final class TestPaths {

    private TestPaths() {
    }

    /** target/test-classes: holds the stand-in servers and nothing of the launcher. */
    static Path testClasses() {
        try {
            return Path.of(SleepingMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
