package io.tickcast.features.bars;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SaleConditionFilterTest {
  private static final SaleConditionFilter ALGOSEEK = SaleConditionFilter.ALGOSEEK;

  @Test
  void readsTheConditionAsAHexadecimalFlagWord() {
    assertThat(SaleConditionFilter.flags("")).isZero();
    assertThat(SaleConditionFilter.flags("1")).isEqualTo(0x1);
    assertThat(SaleConditionFilter.flags("20000020")).isEqualTo(0x2000_0020L);
    assertThat(SaleConditionFilter.flags("104a00")).isEqualTo(0x10_4a00L);
    assertThat(SaleConditionFilter.flags("@F")).isEqualTo(-1);
    assertThat(SaleConditionFilter.flags("1234567890abcdef")).isEqualTo(-1);
  }

  @Test
  void allLetsEveryTradeCountWithoutReadingItsCondition() {
    for (String condition : new String[] {"", "1", "20000020", "4000000", "@F T"}) {
      assertThat(SaleConditionFilter.ALL.setsPrice(condition, true)).isTrue();
      assertThat(SaleConditionFilter.ALL.setsPrice(condition, false)).isTrue();
      assertThat(SaleConditionFilter.ALL.addsVolume(condition)).isTrue();
    }
  }

  @Test
  void algoseekKeepsSweepsAuctionsAndReportsOutOfTheRegularHoursPrices() {
    assertThat(ALGOSEEK.setsPrice("1", true)).isTrue();
    assertThat(ALGOSEEK.setsPrice("20000001", true)).isTrue();
    assertThat(ALGOSEEK.setsPrice("4800", true)).as("sold out of sequence").isTrue();
    assertThat(ALGOSEEK.setsPrice("", true)).isTrue();
    assertThat(ALGOSEEK.setsPrice("20000020", true)).as("intermarket sweep").isFalse();
    assertThat(ALGOSEEK.setsPrice("2000", true)).as("late extended-hours report").isFalse();
    assertThat(ALGOSEEK.setsPrice("20000040", true)).as("opening print").isFalse();
    assertThat(ALGOSEEK.setsPrice("100000", true)).as("average price").isFalse();
    assertThat(ALGOSEEK.setsPrice("zz", true)).as("unknown terms").isFalse();
    assertThat(ALGOSEEK.addsVolume("20000020")).isTrue();
    assertThat(ALGOSEEK.addsVolume("zz")).isTrue();
  }

  @Test
  void algoseekLetsSweepsAndExtendedHoursPrintsSetPricesOutsideTheRegularHours() {
    assertThat(ALGOSEEK.setsPrice("20002020", false)).isTrue();
    assertThat(ALGOSEEK.setsPrice("2000", false)).isTrue();
    assertThat(ALGOSEEK.setsPrice("102000", false)).isTrue();
    assertThat(ALGOSEEK.setsPrice("20000080", false)).as("closing print").isFalse();
  }

  @Test
  void officialOpenAndCloseReportsAreNotTrades() {
    for (String report : new String[] {"4000000", "1000000", "1000001"}) {
      assertThat(ALGOSEEK.setsPrice(report, true)).isFalse();
      assertThat(ALGOSEEK.setsPrice(report, false)).isFalse();
      assertThat(ALGOSEEK.addsVolume(report)).isFalse();
    }
  }
}
