package org.cnn4j.layers;

import org.cnn4j.spi.Conv2dSpec;
import org.cnn4j.tensor.Shape;
import org.cnn4j.tensor.Step;
import org.cnn4j.tensor.Tensor;

/**
 * A ZeroPadding2D whose output only a convolution reads, run as that convolution's own padding: the
 * convolution reads the unpadded input and takes the zero rows and columns as padding, so the
 * padded copy is never filled, written or held, in training and inference alike (MobileNet's and
 * MobileNetV2's strided depthwise layers, ResNet's and DenseNet's 7x7 stems, ResNetV2's strided
 * 3x3). The output and the gradients are those of the two layers run one after the other.
 */
public final class PaddingFold {
  private PaddingFold() {}

  /**
   * Whether {@code conv}, called on {@code padding}'s output, can read {@code padding}'s input of
   * {@code input} (unbatched) instead: a Conv2D or DepthwiseConv2D for which every window still
   * covers part of the image (the padding before and after it, with the convolution's own, is
   * narrower than the window), the geometry every backend's convolution takes.
   */
  public static boolean applies(Layer padding, Layer conv, Shape input) {
    if (!(padding instanceof ZeroPadding2D before) || !(conv instanceof ConvLayer<?> c)) {
      return false;
    }
    Conv2dSpec s = c.spec(input, 1, before);
    long windowH = (long) (s.kh() - 1) * s.dilationH() + 1;
    long windowW = (long) (s.kw() - 1) * s.dilationW() + 1;
    return Math.max(s.padTop(), s.padBottom()) < windowH
        && Math.max(s.padLeft(), s.padRight()) < windowW;
  }

  /**
   * {@code conv}'s output on {@code padding}'s output, computed from {@code x} (the padding's
   * input); in training the backward gives {@code x}'s gradient.
   */
  public static Tensor run(Step step, Layer padding, Layer conv, Tensor x) {
    return ((ConvLayer<?>) conv).forward(step, x, (ZeroPadding2D) padding);
  }
}
