package no.knutepunkt.ingest.fhir.validation;

import no.knutepunkt.model.fhir.Outcomes;
import no.knutepunkt.model.fhir.VkpCode;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Narrative;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Property;
import org.hl7.fhir.utilities.xhtml.NodeType;
import org.hl7.fhir.utilities.xhtml.XhtmlNode;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What text in a message may hold, checked on HAPI's model in one walk of every element (Bundle entries and contained
 * resources included): narratives keep to FHIR's XHTML subset with no active content (FHIR's txt-1; an EPJ shows them
 * to clinicians), and identifiers carry no control characters or invisible direction overrides (which make two
 * identifiers that look the same differ, or one look like another).
 */
public final class TextRules {

    /** FHIR's narrative elements: the basic HTML 4.0 formatting ones, links, images and tables (narrative.html). */
    static final Set<String> ELEMENTS = Set.of("a", "abbr", "acronym", "address", "area", "b", "bdo", "big",
            "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd", "dfn", "div", "dl", "dt", "em",
            "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd", "li", "map", "ol", "p", "pre", "q", "samp",
            "small", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "tt", "ul",
            "var");
    /** Their attributes; every event attribute ({@code on…}) is left out by construction. */
    static final Set<String> ATTRIBUTES = Set.of("abbr", "accesskey", "align", "alt", "axis", "border", "cellpadding",
            "cellspacing", "char", "charoff", "cite", "class", "colspan", "compact", "coords", "datetime", "dir",
            "frame", "headers", "height", "href", "id", "lang", "name", "noshade", "nowrap", "rowspan", "rules",
            "scope", "shape", "span", "src", "start", "style", "summary", "tabindex", "title", "type", "valign",
            "value", "width", "xml:lang", "xmlns");
    static final String XHTML_NAMESPACE = "http://www.w3.org/1999/xhtml";

    private TextRules() {
    }

    /** Walks {@code element} (at FHIRPath {@code path}) and everything in it. */
    public static void check(Base element, String path, List<Finding> out) {
        if (element instanceof Narrative narrative) {
            if (narrative.hasDiv()) {
                narrative(narrative.getDiv(), path + ".div", out);
            }
            return;
        }
        if (element instanceof Identifier identifier) {
            characters(identifier.getSystem(), path + ".system", out);
            characters(identifier.getValue(), path + ".value", out);
        }
        for (Property property : element.children()) {
            List<Base> values = property.getValues();
            for (int i = 0; i < values.size(); i++) {
                Base child = values.get(i);
                if (child != null && !child.isPrimitive()) {
                    check(child, path + "." + property.getName() + (property.getMaxCardinality() > 1 ? "[" + i + "]"
                            : ""), out);
                }
            }
        }
    }

    private static void narrative(XhtmlNode div, String path, List<Finding> out) {
        if (!"div".equals(div.getName()) || !XHTML_NAMESPACE.equals(div.getAttribute("xmlns"))) {
            out.add(narrativeFinding(path, "a narrative is one <div xmlns=\"" + XHTML_NAMESPACE + "\">"));
        }
        node(div, path, out);
    }

    private static void node(XhtmlNode node, String path, List<Finding> out) {
        switch (node.getNodeType()) {
            case DocType, Instruction -> out.add(narrativeFinding(path,
                    "a narrative holds no document type, entity declaration or processing instruction"));
            case Element -> {
                String name = node.getName() == null ? "" : node.getName().toLowerCase(Locale.ROOT);
                if (!ELEMENTS.contains(name)) {
                    out.add(narrativeFinding(path, "the element <" + Outcomes.bounded(name, 40)
                            + "> is not allowed in a narrative (FHIR's XHTML subset: no scripts, forms, frames, "
                            + "objects or styles sheets)"));
                }
                node.getAttributes().forEach((attribute, value) -> attribute(name, attribute, value, path, out));
            }
            default -> {
            }
        }
        for (XhtmlNode child : node.getChildNodes()) {
            node(child, path, out);
        }
    }

    private static void attribute(String element, String attribute, String value, String path, List<Finding> out) {
        String name = attribute.toLowerCase(Locale.ROOT);
        if (!ATTRIBUTES.contains(name)) {
            out.add(narrativeFinding(path, "the attribute " + Outcomes.bounded(name, 40) + " of <" + element
                    + "> is not allowed in a narrative (no event attributes)"));
        } else if ((name.equals("href") || name.equals("src") || name.equals("cite")) && activeUrl(value)) {
            out.add(narrativeFinding(path, "the " + name + " of <" + element
                    + "> is a script URL (javascript:, vbscript: or a data: URL that is not an image)"));
        } else if (name.equals("style") && value != null && activeStyle(value)) {
            out.add(narrativeFinding(path, "the style of <" + element + "> loads or runs something (url(), "
                    + "expression(), @import)"));
        }
    }

    /** A URL a browser would run: scheme compared as browsers do, without the whitespace and controls they skip. */
    static boolean activeUrl(String value) {
        if (value == null) {
            return false;
        }
        String url = value.chars().filter(c -> c > ' ').collect(StringBuilder::new, StringBuilder::appendCodePoint,
                StringBuilder::append).toString().toLowerCase(Locale.ROOT);
        return url.startsWith("javascript:") || url.startsWith("vbscript:")
                || url.startsWith("data:") && !url.startsWith("data:image/");
    }

    private static boolean activeStyle(String style) {
        String s = style.toLowerCase(Locale.ROOT).replaceAll("\\s", "");
        return s.contains("url(") || s.contains("expression(") || s.contains("@import") || s.contains("javascript:");
    }

    private static Finding narrativeFinding(String path, String text) {
        return new Finding("fhir-narrative-xhtml", IssueType.INVARIANT, VkpCode.INVALID, path, text + " (txt-1)");
    }

    /** Control characters, and the invisible ones that reorder or hide text (Trojan Source, CVE-2021-42574). */
    static void characters(String text, String path, List<Finding> out) {
        if (text == null) {
            return;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c) || invisible(c)) {
                out.add(new Finding("identifier-characters", IssueType.VALUE, VkpCode.INVALID, path, String.format(
                        "an identifier holds the invisible or control character U+%04X at position %d", (int) c, i)));
                return;
            }
        }
    }

    private static boolean invisible(char c) {
        return c == '\u061C' || c >= '\u200B' && c <= '\u200F' || c >= '\u202A' && c <= '\u202E'
                || c >= '\u2066' && c <= '\u2069' || c == '\uFEFF';
    }
}
