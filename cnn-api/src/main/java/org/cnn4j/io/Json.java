package org.cnn4j.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small, strict JSON writer and reader for the model files' configs, so that {@code cnn-api}
 * keeps its small dependency set (DESIGN.md; {@code cnn-keras}, which reads other people's JSON,
 * uses Jackson). Internal to {@code org.cnn4j.io}, not API. Values map to Java as: object ↔ {@code
 * Map<String, Object>} (insertion ordered), array ↔ {@code List<Object>}, string ↔ {@code String},
 * number ↔ {@code Long} (an integer literal) or {@code Double}, {@code true}/{@code false} ↔ {@code
 * Boolean}, {@code null}. A {@code Float} is written in its shortest form, so it reads back to the
 * same float.
 *
 * <p>The reader rejects what RFC 8259 rejects (trailing commas, comments, NaN, single quotes,
 * duplicate keys, text after the value) with a message giving the offset.
 */
final class Json {
  private final String text;
  private int pos;

  private Json(String text) {
    this.text = text;
  }

  /** Parses one JSON value. @throws IllegalArgumentException naming the offset and the problem */
  static Object parse(String text) {
    Json p = new Json(text);
    p.skipSpace();
    Object v = p.value();
    p.skipSpace();
    if (p.pos != text.length()) throw p.error("unexpected text after the value");
    return v;
  }

  /** Parses a JSON object. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> parseObject(String text) {
    Object v = parse(text);
    if (!(v instanceof Map))
      throw new IllegalArgumentException("expected a JSON object, got " + describe(v));
    return (Map<String, Object>) v;
  }

  /** Writes {@code value} as indented JSON (two spaces, one key per line). */
  static String write(Object value) {
    StringBuilder sb = new StringBuilder();
    write(sb, value, "");
    return sb.append('\n').toString();
  }

  // ---------------------------------------------------------------- writer

  private static void write(StringBuilder sb, Object v, String indent) {
    if (v == null) {
      sb.append("null");
    } else if (v instanceof String s) {
      quote(sb, s);
    } else if (v instanceof Boolean b) {
      sb.append(b);
    } else if (v instanceof Float f) {
      finite(f.doubleValue());
      sb.append(f);
    } else if (v instanceof Double d) {
      finite(d);
      sb.append(d);
    } else if (v instanceof Integer
        || v instanceof Long
        || v instanceof Short
        || v instanceof Byte) {
      sb.append(((Number) v).longValue());
    } else if (v instanceof int[] a) {
      List<Object> l = new ArrayList<>();
      for (int x : a) l.add(x);
      write(sb, l, indent);
    } else if (v instanceof Map<?, ?> m) {
      if (m.isEmpty()) {
        sb.append("{}");
        return;
      }
      String inner = indent + "  ";
      sb.append("{\n");
      int i = 0;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (!(e.getKey() instanceof String key))
          throw new IllegalArgumentException("JSON keys must be strings: " + e.getKey());
        sb.append(inner);
        quote(sb, key);
        sb.append(": ");
        write(sb, e.getValue(), inner);
        sb.append(++i < m.size() ? ",\n" : "\n");
      }
      sb.append(indent).append('}');
    } else if (v instanceof List<?> l) {
      boolean flat = l.stream().allMatch(x -> !(x instanceof Map) && !(x instanceof List));
      if (flat) {
        sb.append('[');
        for (int i = 0; i < l.size(); i++) {
          if (i > 0) sb.append(", ");
          write(sb, l.get(i), indent);
        }
        sb.append(']');
        return;
      }
      String inner = indent + "  ";
      sb.append("[\n");
      for (int i = 0; i < l.size(); i++) {
        sb.append(inner);
        write(sb, l.get(i), inner);
        sb.append(i + 1 < l.size() ? ",\n" : "\n");
      }
      sb.append(indent).append(']');
    } else {
      throw new IllegalArgumentException(
          "cannot write a " + v.getClass().getSimpleName() + " as JSON");
    }
  }

  private static void finite(double d) {
    if (!Double.isFinite(d)) throw new IllegalArgumentException("JSON has no " + d);
  }

  private static void quote(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
          else sb.append(c);
        }
      }
    }
    sb.append('"');
  }

  // ---------------------------------------------------------------- reader

  private Object value() {
    if (pos >= text.length()) throw error("unexpected end of text");
    char c = text.charAt(pos);
    return switch (c) {
      case '{' -> object();
      case '[' -> array();
      case '"' -> string();
      case 't' -> literal("true", Boolean.TRUE);
      case 'f' -> literal("false", Boolean.FALSE);
      case 'n' -> literal("null", null);
      default -> {
        if (c == '-' || (c >= '0' && c <= '9')) yield number();
        throw error("unexpected character '" + c + "'");
      }
    };
  }

  private Map<String, Object> object() {
    Map<String, Object> m = new LinkedHashMap<>();
    pos++;
    skipSpace();
    if (peek() == '}') {
      pos++;
      return m;
    }
    while (true) {
      skipSpace();
      if (peek() != '"') throw error("expected a string key");
      int keyAt = pos;
      String key = string();
      skipSpace();
      expect(':');
      skipSpace();
      Object v = value();
      if (m.containsKey(key)) {
        pos = keyAt;
        throw error("duplicate key \"" + key + "\"");
      }
      m.put(key, v);
      skipSpace();
      char c = next();
      if (c == '}') return m;
      if (c != ',') {
        pos--;
        throw error("expected ',' or '}'");
      }
    }
  }

  private List<Object> array() {
    List<Object> l = new ArrayList<>();
    pos++;
    skipSpace();
    if (peek() == ']') {
      pos++;
      return l;
    }
    while (true) {
      skipSpace();
      l.add(value());
      skipSpace();
      char c = next();
      if (c == ']') return l;
      if (c != ',') {
        pos--;
        throw error("expected ',' or ']'");
      }
    }
  }

  private String string() {
    expect('"');
    StringBuilder sb = new StringBuilder();
    while (true) {
      char c = next();
      if (c == '"') return sb.toString();
      if (c < 0x20) {
        pos--;
        throw error("control character in a string");
      }
      if (c != '\\') {
        sb.append(c);
        continue;
      }
      char e = next();
      switch (e) {
        case '"', '\\', '/' -> sb.append(e);
        case 'b' -> sb.append('\b');
        case 'f' -> sb.append('\f');
        case 'n' -> sb.append('\n');
        case 'r' -> sb.append('\r');
        case 't' -> sb.append('\t');
        case 'u' -> {
          if (pos + 4 > text.length()) throw error("short \\u escape");
          try {
            sb.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
          } catch (NumberFormatException ex) {
            throw error("bad \\u escape");
          }
          pos += 4;
        }
        default -> {
          pos--;
          throw error("bad escape '\\" + e + "'");
        }
      }
    }
  }

  private Object number() {
    int start = pos;
    if (peek() == '-') pos++;
    if (peek() == '0') {
      pos++;
    } else if (Character.isDigit(peek())) {
      while (Character.isDigit(peek())) pos++;
    } else {
      throw error("bad number");
    }
    boolean integer = true;
    if (peek() == '.') {
      integer = false;
      pos++;
      if (!Character.isDigit(peek())) throw error("bad number: digits expected after '.'");
      while (Character.isDigit(peek())) pos++;
    }
    if (peek() == 'e' || peek() == 'E') {
      integer = false;
      pos++;
      if (peek() == '+' || peek() == '-') pos++;
      if (!Character.isDigit(peek())) throw error("bad number: digits expected in the exponent");
      while (Character.isDigit(peek())) pos++;
    }
    String s = text.substring(start, pos);
    if (integer) {
      try {
        return Long.parseLong(s);
      } catch (NumberFormatException e) {
        return Double.parseDouble(s);
      }
    }
    return Double.parseDouble(s);
  }

  private Object literal(String word, Object v) {
    if (!text.startsWith(word, pos)) throw error("unexpected text");
    pos += word.length();
    return v;
  }

  private char peek() {
    return pos < text.length() ? text.charAt(pos) : '\0';
  }

  private char next() {
    if (pos >= text.length()) throw error("unexpected end of text");
    return text.charAt(pos++);
  }

  private void expect(char c) {
    if (peek() != c) throw error("expected '" + c + "'");
    pos++;
  }

  private void skipSpace() {
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
      pos++;
    }
  }

  private IllegalArgumentException error(String what) {
    int line = 1;
    int col = 1;
    for (int i = 0; i < Math.min(pos, text.length()); i++) {
      if (text.charAt(i) == '\n') {
        line++;
        col = 1;
      } else {
        col++;
      }
    }
    return new IllegalArgumentException(
        "JSON: " + what + " at line " + line + ", column " + col + " (offset " + pos + ")");
  }

  static String describe(Object v) {
    if (v == null) return "null";
    if (v instanceof Map) return "an object";
    if (v instanceof List) return "an array";
    if (v instanceof String) return "a string";
    if (v instanceof Boolean) return "a boolean";
    return "a number";
  }
}
