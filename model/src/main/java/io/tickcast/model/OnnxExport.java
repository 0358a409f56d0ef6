package io.tickcast.model;

import ai.onnx.proto.OnnxMl;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tribuo.util.onnx.ONNXAttribute;
import org.tribuo.util.onnx.ONNXContext;
import org.tribuo.util.onnx.ONNXOperator;
import org.tribuo.util.onnx.ONNXOperators;

/**
 * Writes a {@link Regressor} as a self-contained ONNX model with Tribuo's {@link ONNXContext}:
 * float input {@code "input"} [N, F] in {@link FeatureSchema} order (raw features, as {@code
 * FeatureVector.of} gives them), then Sub(mean), Div(scale), the model's own nodes, and float
 * output {@code "output"} [N, 1], the predicted h-bar log return. Standardisation is in the graph:
 * callers feed raw feature vectors.
 */
public final class OnnxExport {
  public static final String INPUT = "input";
  public static final String OUTPUT = "output";

  /** ONNX IR version 8 goes with the opset (13) of Tribuo's operators. */
  private static final long IR_VERSION = 8;

  private OnnxExport() {}

  /** ONNX's Relu, which Tribuo's {@link ONNXOperators} lacks. */
  enum Relu implements ONNXOperator {
    INSTANCE;

    @Override
    public String getOpName() {
      return "Relu";
    }

    @Override
    public int getNumInputs() {
      return 1;
    }

    @Override
    public int getNumOptionalInputs() {
      return 0;
    }

    @Override
    public int getNumOutputs() {
      return 1;
    }

    @Override
    public Map<String, ONNXAttribute> getAttributes() {
      return Map.of();
    }

    @Override
    public Set<String> getMandatoryAttributeNames() {
      return Set.of();
    }

    @Override
    public int getOpVersion() {
      return ONNXOperators.getOpsetVersion();
    }

    @Override
    public String getOpDomain() {
      return "";
    }
  }

  /** The serialised ONNX model; {@code metadata} goes into the model's metadata_props. */
  public static byte[] toBytes(Regressor model, String graphName, Map<String, String> metadata) {
    Standardizer s = model.standardizer();
    ONNXContext ctx = new ONNXContext();
    ctx.setName(graphName);
    var input = ctx.floatInput(INPUT, s.size());
    var output = ctx.floatOutput(OUTPUT, 1);
    var mean = ctx.array("feature_mean", s.mean());
    var scale = ctx.array("feature_scale", s.scale());
    var centered = ctx.operation(ONNXOperators.SUB, List.of(input, mean), "centered");
    var standardized = ctx.operation(ONNXOperators.DIV, List.of(centered, scale), "standardized");
    ctx.assignTo(model.writeOnnx(standardized), output);

    OnnxMl.ModelProto.Builder proto =
        OnnxMl.ModelProto.newBuilder()
            .setIrVersion(IR_VERSION)
            .addOpsetImport(ONNXOperators.getOpsetProto())
            .setProducerName("tickcast-model")
            .setDomain("io.tickcast")
            .setModelVersion(1)
            .setDocString(
                "Predicts the h-bar log return of the adjusted close from raw FeatureVector features;"
                    + " standardisation is part of the graph.")
            .setGraph(ctx.buildGraph());
    metadata.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(
            e ->
                proto.addMetadataProps(
                    OnnxMl.StringStringEntryProto.newBuilder().setKey(e.getKey()).setValue(e.getValue())));
    return proto.build().toByteArray();
  }
}
