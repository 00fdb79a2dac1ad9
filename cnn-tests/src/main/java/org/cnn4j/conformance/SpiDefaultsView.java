package org.cnn4j.conformance;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import org.cnn4j.spi.Backend;

/**
 * A backend seen through its required ops only: every abstract SPI method forwards to the delegate,
 * and the SPI's default methods (convolution through im2col and GEMM, strided batches, bias through
 * broadcastMiddle) run on top of them. The suite checks a backend directly and through this view,
 * so both the backend's overrides and the default path are covered.
 *
 * <p>A proxy rather than a class: which methods are required and which are defaults is read from
 * {@link Backend} itself, so a method added to the SPI is covered without a change here.
 */
public final class SpiDefaultsView implements InvocationHandler {
  private final Backend delegate;

  private SpiDefaultsView(Backend delegate) {
    this.delegate = delegate;
  }

  /** {@code delegate} with every default method of the SPI running on its required ops. */
  public static Backend of(Backend delegate) {
    return (Backend)
        Proxy.newProxyInstance(
            Backend.class.getClassLoader(),
            new Class<?>[] {Backend.class},
            new SpiDefaultsView(delegate));
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    if (method.getDeclaringClass() == Object.class) {
      return switch (method.getName()) {
        case "equals" -> proxy == args[0];
        case "hashCode" -> System.identityHashCode(proxy);
        default -> "SpiDefaultsView(" + delegate.id() + ")";
      };
    }
    // The SPI's own declaration: an op a family declares abstract may be a default of Backend.
    Method spi = Backend.class.getMethod(method.getName(), method.getParameterTypes());
    if (spi.isDefault()) return InvocationHandler.invokeDefault(proxy, spi, args);
    // Closing the view does not close the backend it looks at.
    if (spi.getName().equals("close")) return null;
    try {
      return spi.invoke(delegate, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
