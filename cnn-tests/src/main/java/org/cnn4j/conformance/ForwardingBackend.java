package org.cnn4j.conformance;

import java.util.List;
import org.cnn4j.spi.ActivationKind;
import org.cnn4j.spi.Backend;
import org.cnn4j.spi.Conv2dSpec;
import org.cnn4j.spi.DeviceBuffer;
import org.cnn4j.spi.FamilyBackend;

/**
 * Forwards every method of the SPI, default methods and {@link #close()} included, to a delegate,
 * so the delegate's own implementation of each op runs: a {@link FamilyBackend} whose every family
 * is the delegate. A decorator extends it and overrides only what it changes (the suite's own tests
 * plant one bug at a time this way). ForwardingBackendTest fails when the SPI gains a method this
 * class does not forward.
 */
public class ForwardingBackend extends FamilyBackend {
  /** The backend every method reaches. */
  protected final Backend delegate;

  public ForwardingBackend(Backend delegate) {
    super(Families.of(delegate));
    this.delegate = delegate;
  }

  @Override
  public String id() {
    return delegate.id();
  }

  @Override
  public String description() {
    return delegate.description();
  }

  @Override
  public void synchronize() {
    delegate.synchronize();
  }

  /** Closes the delegate: a decorator stands for the backend it wraps. */
  @Override
  public void close() {
    delegate.close();
  }

  @Override
  public List<Backend> lanes() {
    return delegate.lanes();
  }

  /** Not a family's op (it spans convolution, elementwise and epilogue): forwarded as a whole. */
  @Override
  public void conv2dForwardResidual(
      Conv2dSpec s,
      DeviceBuffer x,
      DeviceBuffer kernel,
      DeviceBuffer bias,
      ActivationKind kind,
      float alpha,
      DeviceBuffer y) {
    delegate.conv2dForwardResidual(s, x, kernel, bias, kind, alpha, y);
  }
}
