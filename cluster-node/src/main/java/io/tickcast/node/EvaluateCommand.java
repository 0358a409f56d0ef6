package io.tickcast.node;

import io.tickcast.model.ModelArtifact;
import io.tickcast.model.ModelEvaluation;
import io.tickcast.model.Progress;
import io.tickcast.model.ReportMarkdown;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "evaluate",
    mixinStandardHelpOptions = true,
    description = {
      "Judge an exported model (models/<kind>.json from train, ONNX file next to it) on daily bars, run",
      "through ONNX Runtime as the live system runs it, against the baselines: on all tickers, on the",
      "model's held-out tickers and on the others. Prints the report and writes",
      "model-evaluation.{md,json,png} to --out. All 504 tickers: --data ../shared/data/sp500-daily/daily_adjusted"
    })
final class EvaluateCommand implements Callable<Integer> {

  @Option(names = "--model", required = true, paramLabel = "PATH.json", description = "The model's metadata JSON.")
  Path model;

  @Option(names = "--data", description = "Directory of <TICKER>.csv[.gz] daily files. Default: ${DEFAULT-VALUE}", defaultValue = "data/sp500-daily")
  Path data;

  @Option(names = "--tickers", split = ",", description = "Only these tickers (default: every file).")
  List<String> tickers = List.of();

  @Option(names = "--from", description = "First as-of date (default: the model's test window, from its metadata).")
  LocalDate from;

  @Option(names = "--to", description = "Last as-of date (default: the model's test window; open if only --from is given).")
  LocalDate to;

  @Option(names = "--out", description = "Output directory. Default: ${DEFAULT-VALUE}", defaultValue = "target/evaluate")
  Path out;

  @Override
  public Integer call() throws Exception {
    ModelArtifact artifact = ModelsCommand.Register.read(ProjectPaths.resolve(model));
    Path dataDir = ProjectPaths.resolve(data);
    if (!Files.isDirectory(dataDir)) {
      throw new UserError("no such data directory: " + dataDir);
    }
    ModelEvaluation.Result result;
    try {
      result = ModelEvaluation.run(
          new ModelEvaluation.Options(artifact, dataDir, tickers, from, to, ProjectPaths.resolve(out)), Progress.to(System.out));
    } catch (IllegalArgumentException | IOException e) {
      // An empty window, unknown tickers, a folder without daily files.
      throw new UserError(e.getMessage());
    }
    System.out.println();
    System.out.print(ReportMarkdown.render(result.report()));
    System.out.println("\nReport: " + result.markdown());
    return 0;
  }
}
