package no.knutepunkt.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import no.knutepunkt.model.kafka.Topics;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Renders every overlay under deploy/overlays with {@code kubectl kustomize} and checks what NHN operations would
 * apply: every Deployment has probes, requests, limits and a restricted security context, and a Service, a
 * PodDisruptionBudget and its KafkaUser; every topic the code knows has a KafkaTopic that keeps it forever and
 * never compacts it; no secret is written as a literal; nothing is open by default.
 */
class DeployManifestsTest {

    static final Path DEPLOY = Hub.ROOT.resolve("deploy");
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** Names whose value must come from a Secret, never from the manifests. */
    static final Pattern SECRET_NAME = Pattern.compile("(?i).*(password|secret|master_key|private|token|jaas).*");

    static Stream<Path> overlays() throws IOException {
        try (Stream<Path> dirs = Files.list(DEPLOY.resolve("overlays"))) {
            List<Path> all = dirs.filter(Files::isDirectory).sorted().toList();
            assertTrue(all.size() >= 2, "test and prod overlays");
            return all.stream();
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyOverlayRendersToWhatOperationsExpect(Path overlay) throws Exception {
        List<JsonNode> docs = render(overlay);
        List<JsonNode> deployments = ofKind(docs, "Deployment");
        assertEquals(Set.copyOf(Topics.SERVICES), names(deployments), "one Deployment per service");
        for (JsonNode d : deployments) {
            String name = d.at("/metadata/name").asText();
            JsonNode pod = d.at("/spec/template/spec");
            assertTrue(pod.at("/securityContext/runAsNonRoot").asBoolean(), name + " runs as non-root");
            assertEquals("RuntimeDefault", pod.at("/securityContext/seccompProfile/type").asText(), name);
            assertFalse(pod.at("/automountServiceAccountToken").asBoolean(true), name + " needs no API token");
            for (JsonNode c : pod.path("containers")) {
                String where = name + "/" + c.path("name").asText();
                for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
                    assertFalse(c.path(probe).path("httpGet").path("path").asText().isEmpty(), where + " " + probe);
                }
                assertEquals("/q/health/ready", c.at("/readinessProbe/httpGet/path").asText(), where);
                for (String r : List.of("/resources/limits/cpu", "/resources/limits/memory",
                        "/resources/requests/cpu", "/resources/requests/memory")) {
                    assertFalse(c.at(r).asText().isEmpty(), where + r);
                }
                assertFalse(c.at("/securityContext/allowPrivilegeEscalation").asBoolean(true), where);
                assertTrue(c.at("/securityContext/readOnlyRootFilesystem").asBoolean(), where);
                assertEquals("ALL", c.at("/securityContext/capabilities/drop/0").asText(), where);
                assertTrue(c.path("image").asText().contains("/" + name), where + " image " + c.path("image"));
                for (JsonNode env : c.path("env")) {
                    assertFalse(SECRET_NAME.matcher(env.path("name").asText()).matches() && env.has("value"),
                            where + ": " + env.path("name").asText() + " must come from a Secret");
                }
            }
            assertTrue(names(ofKind(docs, "Service")).contains(name), name + " has a Service");
            assertTrue(names(ofKind(docs, "PodDisruptionBudget")).contains(name), name + " has a PDB");
            assertTrue(names(ofKind(docs, "KafkaUser")).contains(name), name + " has its own KafkaUser");
        }

        // topics: exactly the code's, each kept forever and never compacted
        List<JsonNode> topics = ofKind(docs, "KafkaTopic");
        assertEquals(Topics.all().stream().map(Topics.Spec::name).collect(Collectors.toSet()),
                topics.stream().map(t -> t.at("/spec/topicName").asText()).collect(Collectors.toSet()));
        for (JsonNode t : topics) {
            String name = t.at("/spec/topicName").asText();
            assertEquals("delete", t.at("/spec/config/cleanup.policy").asText(), name + " is never compacted");
            assertEquals("-1", t.at("/spec/config/retention.ms").asText(), name + " is kept forever");
            assertEquals("-1", t.at("/spec/config/retention.bytes").asText(), name + " has no size limit");
            assertEquals(Integer.toString(Topics.MAX_EVENT_BYTES), t.at("/spec/config/max.message.bytes").asText(),
                    name + " takes the largest event the hub writes");
            int partitions = Topics.all().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow()
                    .partitions();
            assertEquals(partitions, t.at("/spec/partitions").asInt(), name + " partitions as in Topics");
        }

        // Kafka users: only named topics of Knutepunkt, never everything
        Set<String> known = Topics.all().stream().map(Topics.Spec::name).collect(Collectors.toSet());
        for (JsonNode u : ofKind(docs, "KafkaUser")) {
            for (JsonNode acl : u.at("/spec/authorization/acls")) {
                String resource = acl.at("/resource/name").asText();
                assertFalse(resource.equals("*") || acl.path("operations").toString().contains("All"),
                        u.at("/metadata/name").asText() + ": " + acl);
                if (acl.at("/resource/type").asText().equals("topic")) {
                    assertTrue(known.contains(resource), "an ACL on an unknown topic: " + resource);
                }
            }
        }

        // the vendor API's ingress: bodies buffered by the controller, its limits those of ingest
        JsonNode ingress = ofKind(docs, "Ingress").stream().filter(i -> i.at("/metadata/name").asText()
                .equals("ingest-service")).findFirst().orElseThrow();
        JsonNode annotations = ingress.at("/metadata/annotations");
        assertEquals("1m", annotations.path("nginx.ingress.kubernetes.io/proxy-body-size").asText(), "1 MB as ingest");
        assertEquals("on", annotations.path("nginx.ingress.kubernetes.io/proxy-request-buffering").asText());
        assertTrue(annotations.path("nginx.ingress.kubernetes.io/proxy-read-timeout").asInt() >= 10,
                "the controller waits longer than ingest's decision wait and log write");

        // secrets: referenced, never written here; config holds no secret-looking key
        assertTrue(ofKind(docs, "Secret").isEmpty(), "no Secret in the manifests");
        for (JsonNode cm : ofKind(docs, "ConfigMap")) {
            cm.path("data").fieldNames().forEachRemaining(key -> assertFalse(SECRET_NAME.matcher(key).matches(),
                    "a secret-looking key in a ConfigMap: " + key));
        }

        // nothing open by default; the rest of the kinds operations expect
        assertTrue(ofKind(docs, "NetworkPolicy").stream().anyMatch(p -> p.at("/spec/podSelector").isEmpty()
                && p.at("/spec/policyTypes").toString().contains("Ingress")
                && p.at("/spec/policyTypes").toString().contains("Egress")
                && !p.at("/spec").has("ingress") && !p.at("/spec").has("egress")), "a default-deny policy");
        assertFalse(ofKind(docs, "HorizontalPodAutoscaler").isEmpty());
        assertFalse(ofKind(docs, "ServiceMonitor").isEmpty());
        assertFalse(ofKind(docs, "PrometheusRule").isEmpty());
        // every alert names a runbook section that exists (GitHub's anchor of a "###" heading)
        Set<String> anchors = Files.readAllLines(DEPLOY.resolve("README.md")).stream()
                .filter(l -> l.startsWith("#")).map(l -> "deploy/README.md#" + l.replaceFirst("^#+ ", "")
                        .toLowerCase().replaceAll("[^a-z0-9 -]", "").replace(' ', '-'))
                .collect(Collectors.toSet());
        for (JsonNode rule : ofKind(docs, "PrometheusRule")) {
            for (JsonNode alert : rule.at("/spec/groups").findValues("rules").stream()
                    .flatMap(r -> java.util.stream.StreamSupport.stream(r.spliterator(), false)).toList()) {
                String runbook = alert.at("/annotations/runbook").asText();
                assertTrue(anchors.contains(runbook), alert.path("alert").asText() + ": no runbook section " + runbook);
            }
        }
        String namespace = deployments.get(0).at("/metadata/namespace").asText();
        assertFalse(namespace.isEmpty(), "the overlay sets a namespace");
        System.out.printf("%s: %d resources rendered and checked (namespace %s)%n", overlay.getFileName(),
                docs.size(), namespace);
    }

    /** The overlay as kubectl would apply it. */
    static List<JsonNode> render(Path overlay) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(kubectl(), "kubectl is not on this machine: manifests not rendered");
        Process p = new ProcessBuilder("kubectl", "kustomize", overlay.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        List<JsonNode> docs = new ArrayList<>();
        try (YAMLParser parser = new YAMLFactory().createParser(out)) {
            var it = YAML.readValues(parser, JsonNode.class);
            while (it.hasNext()) {
                JsonNode doc = it.next();
                if (doc != null && !doc.isEmpty()) {
                    docs.add(doc);
                }
            }
        }
        return docs;
    }

    static boolean kubectl() {
        try {
            return new ProcessBuilder("kubectl", "version", "--client").redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static List<JsonNode> ofKind(List<JsonNode> docs, String kind) {
        return docs.stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
    }

    static Set<String> names(List<JsonNode> docs) {
        return docs.stream().map(d -> d.at("/metadata/name").asText()).collect(Collectors.toSet());
    }
}
