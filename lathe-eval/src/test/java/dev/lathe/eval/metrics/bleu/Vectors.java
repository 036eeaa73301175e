package dev.lathe.eval.metrics.bleu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.eval.metrics.pytext.SacreBleuCompat;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** Reads the sacreBLEU test vectors under src/test/resources (see their README). */
public final class Vectors {

  private Vectors() {}

  public static JsonNode load(String resource) {
    try (InputStream in = Vectors.class.getResourceAsStream("/" + resource)) {
      if (in == null) throw new IllegalStateException("missing test resource " + resource);
      return new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    for (JsonNode n : array) out.add(n.isNull() ? null : n.asText());
    return out;
  }

  public static List<List<String>> streams(JsonNode array) {
    List<List<String>> out = new ArrayList<>();
    for (JsonNode n : array) out.add(strings(n));
    return out;
  }

  public static long[] longs(JsonNode array) {
    long[] out = new long[array.size()];
    for (int i = 0; i < out.length; i++) out[i] = array.get(i).asLong();
    return out;
  }

  public static double[] doubles(JsonNode array) {
    double[] out = new double[array.size()];
    for (int i = 0; i < out.length; i++) out[i] = array.get(i).asDouble();
    return out;
  }

  /** sacreBLEU's signature with its version replaced by ours. */
  public static String ourSignature(String sacrebleuSignature) {
    return sacrebleuSignature.replaceAll("(version|v):[^|]*$", "$1:" + SacreBleuCompat.VERSION);
  }
}
