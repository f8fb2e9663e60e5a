package no.knutepunkt.model.fhir;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * VKP's ServiceCodes, the welfare-technology services a read is for: RT Responstjeneste, TA Trygghetsalarm, GPS
 * GPS-sporing, MD Medisindispenser, DT Digitalt tilsyn, DHO Digital hjemmeoppfølging. Vendors send them
 * comma-separated, in either case.
 */
public final class ServiceCodes {

    public static final List<String> ORDER = List.of("RT", "TA", "GPS", "MD", "DT", "DHO");
    public static final Set<String> KNOWN = Set.copyOf(ORDER);

    private ServiceCodes() {
    }

    /** The codes of a {@code ServiceCodes} header, upper case, each once, in the order given; unknown ones too. */
    public static List<String> parse(String header) {
        List<String> codes = new ArrayList<>();
        if (header != null) {
            for (String part : header.split("[,\\s]+")) {
                String code = part.trim().toUpperCase(Locale.ROOT);
                if (!code.isEmpty() && !codes.contains(code)) {
                    codes.add(code);
                }
            }
        }
        return List.copyOf(codes);
    }

    public static List<String> unknown(List<String> codes) {
        return codes.stream().filter(c -> !KNOWN.contains(c)).toList();
    }

    /** The known codes only: what may be written to the log of a header the vendor filled in. */
    public static List<String> known(List<String> codes) {
        return codes.stream().filter(KNOWN::contains).toList();
    }
}
