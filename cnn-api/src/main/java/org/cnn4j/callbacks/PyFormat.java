package org.cnn4j.callbacks;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Python's number formatting, so callbacks print and name files as Keras does: {@code str(float)}
 * ("0.0001", "1e-05", "inf") and {@code str.format} fields such as {@code {epoch:02d}} and {@code
 * {val_loss:.2f}}.
 */
final class PyFormat {
  private PyFormat() {}

  private static final Pattern FIELD =
      Pattern.compile("\\{([A-Za-z_][A-Za-z0-9_]*)(?::(0?)(\\d*)(?:\\.(\\d+))?([dfeEgG%]?))?}");

  /** Python's {@code repr(float)}. */
  static String repr(double d) {
    if (Double.isNaN(d)) return "nan";
    if (Double.isInfinite(d)) return d > 0 ? "inf" : "-inf";
    if (d == 0) return (1 / d < 0) ? "-0.0" : "0.0";
    BigDecimal bd = new BigDecimal(Double.toString(d));
    double a = Math.abs(d);
    if (a >= 1e-4 && a < 1e16) {
      String s = bd.toPlainString();
      return s.contains(".") ? stripZeros(s) : s + ".0";
    }
    // Scientific: shortest digits, exponent with a sign and at least two digits ("1e-05").
    BigDecimal u = bd.stripTrailingZeros();
    String digits = u.unscaledValue().abs().toString();
    int exp = digits.length() - 1 - u.scale();
    String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
    return (d < 0 ? "-" : "")
        + mantissa
        + "e"
        + (exp < 0 ? "-" : "+")
        + String.format(Locale.ROOT, "%02d", Math.abs(exp));
  }

  private static String stripZeros(String s) {
    int end = s.length();
    while (end > 0 && s.charAt(end - 1) == '0') end--;
    if (s.charAt(end - 1) == '.') end++;
    return s.substring(0, end);
  }

  /** Python's {@code format(value, ".5f")} (with "inf" and "nan" as Python writes them). */
  static String fixed(double d, int decimals) {
    if (Double.isNaN(d)) return "nan";
    if (Double.isInfinite(d)) return d > 0 ? "inf" : "-inf";
    // Python rounds the exact binary value half-to-even ('%.2f' % 0.125 is "0.12"); Java's %f
    // rounds half up.
    return new BigDecimal(d).setScale(decimals, RoundingMode.HALF_EVEN).toPlainString();
  }

  /**
   * Python's {@code pattern.format(**values)} for simple fields: {@code {name}}, {@code
   * {name:02d}}, {@code {name:.4f}}, {@code {name:e}}.
   *
   * @throws IllegalArgumentException naming a key that {@code values} lacks
   */
  static String format(String pattern, Map<String, ? extends Number> values) {
    Matcher m = FIELD.matcher(pattern);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String key = m.group(1);
      Number v = values.get(key);
      if (v == null) {
        throw new IllegalArgumentException(
            "Failed to format this callback filepath: \""
                + pattern
                + "\". Reason: '"
                + key
                + "' (available: "
                + values.keySet()
                + ")");
      }
      String type = m.group(5) == null ? "" : m.group(5);
      String text;
      if (type.isEmpty() && m.group(4) == null) {
        String w = m.group(3) == null ? "" : m.group(3);
        String plain =
            v instanceof Double || v instanceof Float ? repr(v.doubleValue()) : v.toString();
        text = w.isEmpty() ? plain : pad(plain, Integer.parseInt(w), !m.group(2).isEmpty());
      } else {
        boolean integer = type.equals("d");
        if (integer && !(v instanceof Integer || v instanceof Long)) {
          throw new IllegalArgumentException(
              "Failed to format this callback filepath: \""
                  + pattern
                  + "\". Reason: Unknown format code 'd' for object of type 'float'");
        }
        String spec =
            "%"
                + (m.group(2) == null ? "" : m.group(2))
                + (m.group(3) == null ? "" : m.group(3))
                + (m.group(4) == null ? (integer ? "" : ".6") : "." + m.group(4));
        text =
            switch (type) {
              case "d" -> String.format(Locale.ROOT, spec + "d", v.longValue());
              case "%" -> String.format(Locale.ROOT, spec + "f", v.doubleValue() * 100) + "%";
              case "", "f" ->
                  padNumber(
                      fixed(v.doubleValue(), m.group(4) == null ? 6 : Integer.parseInt(m.group(4))),
                      m.group(3),
                      m.group(2));
              default -> String.format(Locale.ROOT, spec + type, v.doubleValue());
            };
      }
      m.appendReplacement(sb, Matcher.quoteReplacement(text));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  private static String padNumber(String s, String width, String zero) {
    if (width == null || width.isEmpty()) return s;
    int w = Integer.parseInt(width);
    boolean zeros = zero != null && !zero.isEmpty();
    StringBuilder sb = new StringBuilder();
    boolean negative = s.startsWith("-");
    for (int i = s.length(); i < w; i++) sb.append(zeros ? '0' : ' ');
    if (!zeros) return sb + s;
    return negative ? "-" + sb + s.substring(1) : sb + s;
  }

  private static String pad(String s, int width, boolean zeros) {
    StringBuilder sb = new StringBuilder();
    for (int i = s.length(); i < width; i++) sb.append(zeros ? '0' : ' ');
    return zeros ? sb + s : s + sb;
  }
}
