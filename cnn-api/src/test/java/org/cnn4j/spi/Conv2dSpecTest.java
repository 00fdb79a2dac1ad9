package org.cnn4j.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The padding after the input that a spec's output size implies. */
class Conv2dSpecTest {
  @Test
  void sameStrideTwoOnAnEvenInputPadsOnlyAfter() {
    Conv2dSpec s = Conv2dSpec.of(1, 8, 10, 3, 3, 3, 4, 2, 2, Padding.SAME, 1, 1, 1);
    assertEquals(0, s.padTop());
    assertEquals(1, s.padBottom());
    assertEquals(0, s.padLeft());
    assertEquals(1, s.padRight());
  }

  @Test
  void stridedValidLeavesTheLastRowUnread() {
    // ResNet's 7x7 stride-2 stem over 230 rows: windows end at row 228.
    Conv2dSpec s = Conv2dSpec.of(1, 230, 229, 3, 7, 7, 4, 2, 2, Padding.VALID, 1, 1, 1);
    assertEquals(-1, s.padBottom());
    assertEquals(0, s.padRight());
  }

  @Test
  void explicitPaddingAndDilation() {
    // 3 rows of zeros before a 7x7 stride-2 window over 12 rows, 6 outputs: 2 after.
    assertEquals(2, new Conv2dSpec(1, 12, 11, 3, 7, 7, 4, 2, 2, 3, 3, 1, 1, 1, 6, 6).padBottom());
    assertEquals(3, new Conv2dSpec(1, 12, 11, 3, 7, 7, 4, 2, 2, 3, 3, 1, 1, 1, 6, 6).padRight());
    // Dilation 2 widens a 3-tap window to 5: 'same' on 8 pads 2 and 2.
    Conv2dSpec d = Conv2dSpec.of(1, 8, 8, 1, 3, 3, 1, 1, 1, Padding.SAME, 2, 2, 1);
    assertEquals(2, d.padTop());
    assertEquals(2, d.padBottom());
  }
}
