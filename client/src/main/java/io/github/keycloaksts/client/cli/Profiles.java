package io.github.keycloaksts.client.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code ~/.config/kcsts/config}: INI sections {@code [profile NAME]} (or {@code [NAME]}, and {@code [default]}) of
 * {@code key = value} lines, {@code #} and {@code ;} comments, as the AWS and {@code aliyun} CLIs write theirs. Unknown keys
 * are refused with their file and line, so a typo never silently drops a parameter.
 */
final class Profiles {

    static final Set<String> KEYS = Set.of("issuer", "client_id", "role_arn", "source_profile", "role_session_name", "duration_seconds",
            "external_id", "web_identity_token_file", "policy");

    /** One profile: its name and settings. */
    record Profile(String name, Map<String, String> settings) {

        String get(String key) {
            return settings.get(key);
        }

        boolean isRole() {
            return settings.containsKey("role_arn");
        }
    }

    private final Path file;
    private final Map<String, Profile> profiles;

    private Profiles(Path file, Map<String, Profile> profiles) {
        this.file = file;
        this.profiles = profiles;
    }

    static Profiles read(Path file) {
        Map<String, Map<String, String>> sections = new LinkedHashMap<>();
        if (Files.exists(file)) {
            List<String> lines;
            try {
                lines = Files.readAllLines(file);
            } catch (IOException e) {
                throw new CliException(CliException.CONFIG, "cannot read " + file + ": " + e.getMessage());
            }
            Map<String, String> current = null;
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                String where = file + ":" + (i + 1);
                if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                    continue;
                }
                if (line.startsWith("[")) {
                    if (!line.endsWith("]")) {
                        throw new CliException(CliException.CONFIG, where + ": a section header must end with ]");
                    }
                    String name = line.substring(1, line.length() - 1).strip();
                    if (name.startsWith("profile ")) {
                        name = name.substring("profile ".length()).strip();
                    }
                    if (name.isEmpty() || sections.containsKey(name)) {
                        throw new CliException(CliException.CONFIG, where + ": " + (name.isEmpty() ? "empty profile name" : "profile " + name + " twice"));
                    }
                    current = new LinkedHashMap<>();
                    sections.put(name, current);
                    continue;
                }
                int eq = line.indexOf('=');
                if (current == null || eq <= 0) {
                    throw new CliException(CliException.CONFIG, where + ": expected key = value inside a [profile NAME] section");
                }
                String key = line.substring(0, eq).strip();
                String value = line.substring(eq + 1).strip();
                if (!KEYS.contains(key)) {
                    throw new CliException(CliException.CONFIG, where + ": unknown key " + key + " (known: " + String.join(", ", KEYS.stream().sorted().toList()) + ")");
                }
                current.put(key, value);
            }
        }
        Map<String, Profile> profiles = new LinkedHashMap<>();
        sections.forEach((name, settings) -> profiles.put(name, new Profile(name, Map.copyOf(settings))));
        return new Profiles(file, profiles);
    }

    Optional<Profile> find(String name) {
        return Optional.ofNullable(profiles.get(name));
    }

    Profile get(String name) {
        Profile profile = profiles.get(name);
        if (profile == null) {
            throw new CliException(CliException.CONFIG, "no profile " + name + " in " + file
                    + (profiles.isEmpty() ? "" : " (profiles: " + String.join(", ", profiles.keySet()) + ")"));
        }
        if (profile.get("issuer") == null) {
            throw new CliException(CliException.CONFIG, "profile " + name + " in " + file + " has no issuer");
        }
        return profile;
    }

    Path file() {
        return file;
    }
}
