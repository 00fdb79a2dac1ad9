package org.cnn4j.examples;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.cnn4j.spi.Backend;

/**
 * Wraps a backend and adds up the wall time of each SPI method, for {@code cnn4j bench --profile}.
 */
final class ProfilingBackend implements InvocationHandler {
  /** CPU time of the calling thread: with -Dcnn4j.cpu.threads=1 it is immune to other processes. */
  private static final java.lang.management.ThreadMXBean THREADS =
      java.lang.management.ManagementFactory.getThreadMXBean();

  private final Backend target;

  /** Shared with the lanes' wrappers: times add up over every thread. */
  private final Map<String, long[]> totals;

  private java.util.List<Backend> lanes;

  private ProfilingBackend(Backend target, Map<String, long[]> totals) {
    this.target = target;
    this.totals = totals;
  }

  static ProfilingBackend wrap(Backend b) {
    return new ProfilingBackend(b, new TreeMap<>());
  }

  Backend proxy() {
    return (Backend)
        Proxy.newProxyInstance(
            Backend.class.getClassLoader(), new Class<?>[] {Backend.class}, this);
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    if (method.getName().equals("lanes")) {
      // Each lane wrapped too, so the ops a model runs on its lanes are counted as well.
      if (lanes == null) {
        lanes = target.lanes().stream().map(l -> new ProfilingBackend(l, totals).proxy()).toList();
      }
      return lanes;
    }
    long t0 = System.nanoTime();
    long c0 = THREADS.getCurrentThreadCpuTime();
    try {
      // Times are inclusive: a composite op (conv) counts the GEMMs it runs inside the backend.
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    } finally {
      long dt = System.nanoTime() - t0;
      long dc = THREADS.getCurrentThreadCpuTime() - c0;
      synchronized (totals) {
        long[] t = totals.computeIfAbsent(method.getName(), k -> new long[3]);
        t[0] += dt;
        t[1]++;
        t[2] += dc;
      }
    }
  }

  void reset() {
    synchronized (totals) {
      totals.clear();
    }
  }

  /** Per op: calls, wall and CPU time per step, added up over the threads (lanes run at once). */
  String report(long steps) {
    StringBuilder sb =
        new StringBuilder(
            "op                      calls/step   ms/step  cpu ms/step (summed over threads)\n");
    synchronized (totals) {
      totals.entrySet().stream()
          .sorted((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0]))
          .forEach(
              e ->
                  sb.append(
                      String.format(
                          Locale.ROOT,
                          "%-24s %10.1f %9.3f %12.3f%n",
                          e.getKey(),
                          (double) e.getValue()[1] / steps,
                          e.getValue()[0] / 1e6 / steps,
                          e.getValue()[2] / 1e6 / steps)));
    }
    return sb.toString();
  }
}
