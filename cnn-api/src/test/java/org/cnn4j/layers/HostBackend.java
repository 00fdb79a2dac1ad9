package org.cnn4j.layers;

import java.lang.reflect.Proxy;
import org.cnn4j.spi.Backend;
import org.cnn4j.spi.DeviceBuffer;

/**
 * The few Backend methods the preprocessing layers call (memory, fill, axpby), on host arrays;
 * every other method throws. Enough to test layers in cnn-api, which has no backend of its own.
 */
final class HostBackend {
  private HostBackend() {}

  static final class Buffer implements DeviceBuffer {
    final float[] data;
    boolean closed;

    Buffer(long n) {
      data = new float[(int) n];
    }

    @Override
    public long length() {
      return data.length;
    }

    @Override
    public boolean isClosed() {
      return closed;
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  static Backend create() {
    return (Backend)
        Proxy.newProxyInstance(
            Backend.class.getClassLoader(),
            new Class<?>[] {Backend.class},
            (proxy, method, a) ->
                switch (method.getName()) {
                  case "id" -> "host";
                  case "allocate" -> new Buffer((Long) a[0]);
                  case "upload" -> {
                    System.arraycopy(
                        (float[]) a[0],
                        (Integer) a[1],
                        ((Buffer) a[2]).data,
                        (int) (long) (Long) a[3],
                        (Integer) a[4]);
                    yield null;
                  }
                  case "download" -> {
                    System.arraycopy(
                        ((Buffer) a[0]).data,
                        (int) (long) (Long) a[1],
                        (float[]) a[2],
                        (Integer) a[3],
                        (Integer) a[4]);
                    yield null;
                  }
                  case "fill" -> {
                    java.util.Arrays.fill(
                        ((Buffer) a[0]).data,
                        (int) (long) (Long) a[1],
                        (int) ((Long) a[1] + (Long) a[2]),
                        (Float) a[3]);
                    yield null;
                  }
                  case "axpby" -> {
                    float alpha = (Float) a[0];
                    float[] x = ((Buffer) a[1]).data;
                    float beta = (Float) a[2];
                    float[] y = ((Buffer) a[3]).data;
                    for (int i = 0; i < (Long) a[4]; i++)
                      y[i] = alpha * x[i] + (beta == 0 ? 0 : beta * y[i]);
                    yield null;
                  }
                  case "synchronize", "close" -> null;
                  case "hashCode" -> System.identityHashCode(proxy);
                  case "equals" -> proxy == a[0];
                  case "toString" -> "HostBackend";
                  default ->
                      throw new UnsupportedOperationException("HostBackend." + method.getName());
                });
  }
}
