package org.cnn4j.applications;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Keras' {@code keras.applications}: one builder per architecture, built with Keras' layers, names,
 * initialisers and defaults, so a model's summary and parameter count are Keras' own.
 *
 * <pre>{@code
 * // keras.applications.MobileNetV2(alpha=0.35, input_shape=(96, 96, 3), include_top=False,
 * //                                weights=None, pooling="avg")
 * try (Functional base = Applications.mobileNetV2().alpha(0.35).inputShape(96, 96, 3)
 *         .includeTop(false).pooling("avg").build()) {
 *   base.summary();
 * }
 * }</pre>
 *
 * <table>
 *   <caption>Parameters with include_top at the default size, 1000 classes (Keras' counts)</caption>
 *   <tr><th>builder</th><th>input</th><th>parameters</th></tr>
 *   <tr><td>{@link #vgg16()}</td><td>224x224x3</td><td>138,357,544</td></tr>
 *   <tr><td>{@link #vgg19()}</td><td>224x224x3</td><td>143,667,240</td></tr>
 *   <tr><td>{@link #resNet50()}</td><td>224x224x3</td><td>25,636,712</td></tr>
 *   <tr><td>{@link #resNet101()}</td><td>224x224x3</td><td>44,707,176</td></tr>
 *   <tr><td>{@link #resNet152()}</td><td>224x224x3</td><td>60,419,944</td></tr>
 *   <tr><td>{@link #resNet50V2()}</td><td>224x224x3</td><td>25,613,800</td></tr>
 *   <tr><td>{@link #inceptionV3()}</td><td>299x299x3</td><td>23,851,784</td></tr>
 *   <tr><td>{@link #xception()}</td><td>299x299x3</td><td>22,910,480</td></tr>
 *   <tr><td>{@link #mobileNet()}</td><td>224x224x3</td><td>4,253,864</td></tr>
 *   <tr><td>{@link #mobileNetV2()}</td><td>224x224x3</td><td>3,538,984</td></tr>
 *   <tr><td>{@link #denseNet121()}</td><td>224x224x3</td><td>8,062,504</td></tr>
 *   <tr><td>{@link #efficientNetB0()}</td><td>224x224x3</td><td>5,330,571</td></tr>
 *   <tr><td>{@link #convNeXtTiny()}</td><td>224x224x3</td><td>28,589,128</td></tr>
 *   <tr><td>{@link #leNet5()} (the paper's, 10 classes)</td><td>32x32x1</td><td>61,750</td></tr>
 *   <tr><td>{@link #alexNet()} (the paper's)</td><td>227x227x3</td><td>60,965,224</td></tr>
 * </table>
 *
 * {@link #byName} finds a builder by the names the command line takes ({@code resnet50}, {@code
 * mobilenet_v2}, ...).
 */
public final class Applications {
  private Applications() {}

  private static final Map<String, Supplier<ApplicationBuilder<?>>> BY_NAME = new LinkedHashMap<>();

  static {
    BY_NAME.put("vgg16", Vgg::vgg16);
    BY_NAME.put("vgg19", Vgg::vgg19);
    BY_NAME.put("resnet50", ResNet::resNet50);
    BY_NAME.put("resnet101", ResNet::resNet101);
    BY_NAME.put("resnet152", ResNet::resNet152);
    BY_NAME.put("resnet50_v2", ResNet::resNet50V2);
    BY_NAME.put("resnet101_v2", ResNet::resNet101V2);
    BY_NAME.put("resnet152_v2", ResNet::resNet152V2);
    BY_NAME.put("inception_v3", InceptionV3::inceptionV3);
    BY_NAME.put("xception", Xception::xception);
    BY_NAME.put("mobilenet", MobileNet::mobileNet);
    BY_NAME.put("mobilenet_v2", MobileNetV2::mobileNetV2);
    BY_NAME.put("densenet121", DenseNet::denseNet121);
    BY_NAME.put("densenet169", DenseNet::denseNet169);
    BY_NAME.put("densenet201", DenseNet::denseNet201);
    BY_NAME.put("efficientnet_b0", EfficientNet::efficientNetB0);
    BY_NAME.put("efficientnet_b1", EfficientNet::efficientNetB1);
    BY_NAME.put("efficientnet_b2", EfficientNet::efficientNetB2);
    BY_NAME.put("efficientnet_b3", EfficientNet::efficientNetB3);
    BY_NAME.put("efficientnet_b4", EfficientNet::efficientNetB4);
    BY_NAME.put("efficientnet_b5", EfficientNet::efficientNetB5);
    BY_NAME.put("efficientnet_b6", EfficientNet::efficientNetB6);
    BY_NAME.put("efficientnet_b7", EfficientNet::efficientNetB7);
    BY_NAME.put("convnext_tiny", ConvNeXt::convNeXtTiny);
    BY_NAME.put("convnext_small", ConvNeXt::convNeXtSmall);
    BY_NAME.put("convnext_base", ConvNeXt::convNeXtBase);
    BY_NAME.put("convnext_large", ConvNeXt::convNeXtLarge);
    BY_NAME.put("convnext_xlarge", ConvNeXt::convNeXtXLarge);
    BY_NAME.put("lenet5", LeNet5::leNet5);
    BY_NAME.put("alexnet", AlexNet::alexNet);
  }

  /** The names {@link #byName} takes, in the order above. */
  public static List<String> names() {
    return List.copyOf(BY_NAME.keySet());
  }

  /**
   * A new builder for an architecture by name: lower case, with or without underscores and with
   * Keras' spellings too ("resnet50v2", "ResNet50V2", "mobilenetv2", "efficientnetb0",
   * "convnext_tiny", "lenet-5").
   *
   * @throws IllegalArgumentException listing the names for an unknown one
   */
  public static ApplicationBuilder<?> byName(String name) {
    String key = canonical(name);
    for (Map.Entry<String, Supplier<ApplicationBuilder<?>>> e : BY_NAME.entrySet()) {
      if (canonical(e.getKey()).equals(key)) return e.getValue().get();
    }
    throw new IllegalArgumentException(
        "unknown application '" + name + "'; expected one of " + names());
  }

  /** Whether {@link #byName} knows {@code name}. */
  public static boolean has(String name) {
    String key = canonical(name);
    return BY_NAME.keySet().stream().anyMatch(k -> canonical(k).equals(key));
  }

  private static String canonical(String name) {
    return name.toLowerCase(Locale.ROOT).replaceAll("[_\\- ]", "");
  }

  /** Keras' {@code VGG16}. */
  public static Vgg vgg16() {
    return Vgg.vgg16();
  }

  /** Keras' {@code VGG19}. */
  public static Vgg vgg19() {
    return Vgg.vgg19();
  }

  /** Keras' {@code ResNet50}. */
  public static ResNet resNet50() {
    return ResNet.resNet50();
  }

  /** Keras' {@code ResNet101}. */
  public static ResNet resNet101() {
    return ResNet.resNet101();
  }

  /** Keras' {@code ResNet152}. */
  public static ResNet resNet152() {
    return ResNet.resNet152();
  }

  /** Keras' {@code ResNet50V2}. */
  public static ResNet resNet50V2() {
    return ResNet.resNet50V2();
  }

  /** Keras' {@code InceptionV3}. */
  public static InceptionV3 inceptionV3() {
    return InceptionV3.inceptionV3();
  }

  /** Keras' {@code Xception}. */
  public static Xception xception() {
    return Xception.xception();
  }

  /** Keras' {@code MobileNet}. */
  public static MobileNet mobileNet() {
    return MobileNet.mobileNet();
  }

  /** Keras' {@code MobileNetV2}. */
  public static MobileNetV2 mobileNetV2() {
    return MobileNetV2.mobileNetV2();
  }

  /** Keras' {@code DenseNet121}. */
  public static DenseNet denseNet121() {
    return DenseNet.denseNet121();
  }

  /** Keras' {@code EfficientNetB0}. */
  public static EfficientNet efficientNetB0() {
    return EfficientNet.efficientNetB0();
  }

  /** Keras' {@code ConvNeXtTiny}. */
  public static ConvNeXt convNeXtTiny() {
    return ConvNeXt.convNeXtTiny();
  }

  /** LeNet-5 as its paper defines it. */
  public static LeNet5 leNet5() {
    return LeNet5.leNet5();
  }

  /** AlexNet as its paper defines it. */
  public static AlexNet alexNet() {
    return AlexNet.alexNet();
  }
}
