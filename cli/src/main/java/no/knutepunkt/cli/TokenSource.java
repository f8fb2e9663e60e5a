package no.knutepunkt.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Where the command line gets the access tokens it calls the hub with. Once the services trust an external issuer
 * (HelseID, a municipality's IdP), the local key signs nothing they accept; then, in this order:
 * <ol>
 * <li>{@code KNUTEPUNKT_TOKEN_VENDOR}, {@code _ADMIN}, {@code _EPJ}, {@code _OPERATOR}: a token for that role;</li>
 * <li>{@code KNUTEPUNKT_TOKEN_COMMAND}: a shell command that prints a token on its standard output, told what is
 * wanted by {@code KNUTEPUNKT_TOKEN_ROLE}, {@code _ORGNR}, {@code _VKP_ID} and {@code _SCOPE} (space-separated);</li>
 * <li>otherwise tokens signed with the local run's key ({@link DevTokens}).</li>
 * </ol>
 */
final class TokenSource {

    /** What a token is wanted for; {@code role} is one of vendor, admin, epj, operator. */
    record Want(String role, String orgnr, String vkpId, List<String> scopes) {
    }

    private static final long COMMAND_SECONDS = 60;

    private final Function<String, String> env;
    private final Function<Want, String> dev;
    private final Map<Want, String> fetched = new ConcurrentHashMap<>();

    TokenSource(Function<String, String> env, Function<Want, String> dev) {
        this.env = env;
        this.dev = dev;
    }

    /** From this process's environment, with the local key as the last resort. */
    static TokenSource fromEnvironment() {
        return new TokenSource(System::getenv, want -> {
            DevTokens tokens = Main.tokens();
            return switch (want.role()) {
                case "vendor" -> tokens.vendor(want.vkpId(), want.scopes());
                case "admin" -> tokens.municipalityAdmin(want.orgnr());
                case "epj" -> tokens.epj(want.orgnr());
                case "operator" -> tokens.operator();
                default -> throw new IllegalArgumentException("no role " + want.role());
            };
        });
    }

    String token(Want want) {
        String given = env.apply("KNUTEPUNKT_TOKEN_" + want.role().toUpperCase(Locale.ROOT));
        if (given != null && !given.isBlank()) {
            return given.trim();
        }
        String command = env.apply("KNUTEPUNKT_TOKEN_COMMAND");
        if (command == null || command.isBlank()) {
            return dev.apply(want);
        }
        return fetched.computeIfAbsent(want, w -> run(command, w));
    }

    private static String run(String command, Want want) {
        ProcessBuilder process = new ProcessBuilder("sh", "-c", command).redirectError(ProcessBuilder.Redirect.INHERIT);
        Map<String, String> environment = process.environment();
        // the command may itself be ./knutepunkt token: it must not run this command again
        environment.remove("KNUTEPUNKT_TOKEN_COMMAND");
        environment.put("KNUTEPUNKT_TOKEN_ROLE", want.role());
        environment.put("KNUTEPUNKT_TOKEN_ORGNR", want.orgnr() == null ? "" : want.orgnr());
        environment.put("KNUTEPUNKT_TOKEN_VKP_ID", want.vkpId() == null ? "" : want.vkpId());
        environment.put("KNUTEPUNKT_TOKEN_SCOPE", String.join(" ", want.scopes()));
        Path out = null;
        try {
            // to a file, so that a command that hangs is stopped at the time-out rather than read for ever
            out = Files.createTempFile("knutepunkt-token", ".txt");
            Process running = process.redirectOutput(out.toFile()).start();
            running.getOutputStream().close();
            if (!running.waitFor(COMMAND_SECONDS, TimeUnit.SECONDS)) {
                running.destroyForcibly();
                throw new IllegalStateException("KNUTEPUNKT_TOKEN_COMMAND gave no token within " + COMMAND_SECONDS
                        + " s (role " + want.role() + ")");
            }
            String token = Files.readString(out, StandardCharsets.UTF_8).trim();
            if (running.exitValue() != 0 || token.isEmpty() || token.contains("\n")) {
                throw new IllegalStateException("KNUTEPUNKT_TOKEN_COMMAND failed for role " + want.role() + " (exit "
                        + running.exitValue() + (token.isEmpty() ? ", printed nothing" : token.contains("\n")
                        ? ", printed more than one line" : "") + ")");
            }
            return token;
        } catch (IOException e) {
            throw new IllegalStateException("KNUTEPUNKT_TOKEN_COMMAND could not run: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for KNUTEPUNKT_TOKEN_COMMAND", e);
        } finally {
            if (out != null) {
                out.toFile().delete();
            }
        }
    }
}
