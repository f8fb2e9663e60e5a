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

    /** The deviations of NHN's own reference bundle (domain reference §5.9), applied to fixture 04. */
    public static String likeRealTraffic() {
        return read("04-response-centre-alarm-log.json")
                .replaceFirst("\"system\": \"http://loinc.org\",\\s*\"code\": \"34133-9\"",
                        "\"system\": \"http://ehelse.no/fhir/CodeSystem/vkp-alert-code-v090\", \"code\": \"7\"")
                .replace("\"system\": \"urn:oid:2.16.578.1.12.4.1.4.1\",\n            \"value\": \"14834540011\"",
                        "\"system\": \"http://cosdoc.dips.no/lopenummer\",\n            \"value\": \"100234\"")
                .replaceFirst("\"family\": \"Epsilon\"", "\"family\": \"\"");
    }
}
