package io.tickcast.node;

import io.tickcast.model.MlpTrainer;
import io.tickcast.model.ModelKind;
import io.tickcast.model.Progress;
import io.tickcast.model.TrainPipeline;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = {
      "Train and evaluate the models on daily bars: walk-forward split (train <= 2016, validate",
      "2017-2018, test 2019..), held-out tickers, baselines, conformal intervals, ONNX export.",
      "Writes evaluation.{md,json,png} and models/<kind>.{onnx,json} to --out."
    })
final class TrainCommand implements Callable<Integer> {

  @Option(names = "--data", description = "Directory of <TICKER>.csv[.gz] daily files. Default: ${DEFAULT-VALUE}", defaultValue = "data/sp500-daily")
  Path data;

  @Option(names = "--out", description = "Output directory. Default: ${DEFAULT-VALUE}", defaultValue = "target/train")
  Path out;

  @Option(names = "--tickers", split = ",", description = "Only these tickers (default: every file).")
  List<String> tickers = List.of();

  @Option(names = "--horizon", description = "Bars ahead to predict: 1, 5 or 20. Default: ${DEFAULT-VALUE}", defaultValue = "1")
  int horizon;

  @Option(names = "--models", split = ",", description = "Model kinds (linear, mlp). Default: all")
  List<String> models = List.of();

  @Option(names = "--seed", defaultValue = "42", description = "Default: ${DEFAULT-VALUE}")
  long seed;

  @Option(names = "--epochs", description = "MLP epochs (default: the trainer's).")
  Integer epochs;

  @Option(names = "--publish", description = "Copy the model with the lowest validation MAE here (model.json + ONNX).")
  Path publish;

  @Override
  public Integer call() throws Exception {
    Path dataDir = ProjectPaths.resolve(data);
    if (!Files.isDirectory(dataDir)) {
      throw new UserError("no such data directory: " + dataDir);
    }
    TrainPipeline.Options defaults = TrainPipeline.Options.defaults(dataDir, ProjectPaths.resolve(out));
    Set<ModelKind> kinds =
        models.isEmpty() ? defaults.models() : models.stream().map(ModelKind::parse).collect(Collectors.toSet());
    MlpTrainer.Config mlp = defaults.mlp();
    if (epochs != null) {
      mlp = new MlpTrainer.Config(mlp.hidden(), epochs, mlp.batchSize(), mlp.learningRate(), mlp.l2(), mlp.huberDelta());
    }
    TrainPipeline.Options options =
        new TrainPipeline.Options(
            defaults.dataDir(), tickers, horizon, defaults.outputDir(), kinds, seed, defaults.split(), defaults.ridgeL2(), mlp);
    TrainPipeline.Result result = TrainPipeline.run(options, Progress.to(System.out));
    System.out.println("Report: " + result.markdown());
    if (publish != null) {
      ModelKind best = TrainPipeline.publishBest(result, ProjectPaths.resolve(publish));
      System.out.println("Published " + best.id() + " to " + ProjectPaths.resolve(publish));
    }
    return 0;
  }
}
