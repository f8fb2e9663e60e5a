package no.knutepunkt.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/** The project's example bundles (a copy of the shared VKP fixtures), optionally with fresh business ids. */
public final class Examples {

    private Examples() {
    }

    public static String read(String name) {
        try {
            return Files.readString(Path.of("..", "examples", name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The example with every urn:uuid business identifier replaced, so that each call is a new message. */
    public static String fresh(String name) {
        String json = read(name);
        return json.replaceAll("\"value\": \"urn:uuid:[0-9a-f-]+\"",
                "\"value\": \"urn:uuid:" + UUID.randomUUID() + "\"");
    }
}
