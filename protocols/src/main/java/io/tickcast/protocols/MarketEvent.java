package io.tickcast.protocols;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * What a market-data source publishes to the Kafka topic {@code ticks} (key = ticker). The JSON
 * form carries a {@code "type"} discriminator so new kinds of record can be added without
 * breaking consumers that already run.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = Bar.class, name = "bar"),
  @JsonSubTypes.Type(value = Trade.class, name = "trade")
})
public sealed interface MarketEvent extends CborSerializable permits Bar, Trade {
  String ticker();
}
