import {
  finalMetrics,
  formatMetric,
  lossCharts,
  pointCount,
  progressLine,
  series,
  thin,
  type MetricHistories,
  type MetricPoint,
} from "../src/metrics.js";

const hist = (key: string, values: Array<[number, number | string]>, t0 = 1_000): MetricPoint[] =>
  values.map(([step, value], i) => ({ key, step, value, timestamp: t0 + i }));

/** As the emulator's MLflow logs them: loss, eval_loss and learning_rate at the same steps. */
const aligned: MetricHistories = {
  loss: hist("loss", [
    [1, 2.1],
    [2, 1.7],
    [3, 1.2],
  ]),
  eval_loss: hist("eval_loss", [
    [1, 2.2],
    [2, 1.9],
    [3, 1.4],
  ]),
  learning_rate: hist("learning_rate", [
    [1, 2e-5],
    [2, 1.5e-5],
    [3, 1e-5],
  ]),
};

describe("metric histories", () => {
  it("reduces each metric to its last value by step: the metrics output", () => {
    const h = { ...aligned, train_runtime: hist("train_runtime", [[3, 3605.2]]), zeta: hist("zeta", [[1, 1]]) };
    expect(finalMetrics(h)).toEqual({ loss: 1.2, eval_loss: 1.4, learning_rate: 1e-5, train_runtime: 3605.2, zeta: 1 });
    expect(Object.keys(finalMetrics(h))).toEqual(["loss", "eval_loss", "learning_rate", "train_runtime", "zeta"]);
  });

  it("orders by step, keeps the last logged value of a step, and drops values that are not finite", () => {
    const h = [
      { key: "loss", step: 3, value: 1.0, timestamp: 5 },
      { key: "loss", step: 1, value: 2.0, timestamp: 1 },
      { key: "loss", step: 3, value: 0.9, timestamp: 6 },
      { key: "loss", step: 4, value: "NaN", timestamp: 7 },
    ];
    expect(series(h)).toEqual([
      { step: 1, value: 2.0 },
      { step: 3, value: 0.9 },
    ]);
    expect(finalMetrics({ loss: h, empty: [] })).toEqual({ loss: 0.9 });
  });

  it("gives a progress line of the latest training metrics, or nothing before the first", () => {
    expect(progressLine(aligned)).toBe("step 3: loss 1.2, eval_loss 1.4, learning_rate 1.000e-5");
    expect(progressLine({})).toBeUndefined();
    expect(pointCount(aligned)).toBe(9);
  });

  it("formats metrics with four significant digits, small and large ones with an exponent", () => {
    expect(formatMetric(0.912345)).toBe("0.9123");
    expect(formatMetric(2e-5)).toBe("2.000e-5");
    expect(formatMetric(1234.5678)).toBe("1234.57");
    expect(formatMetric(12)).toBe("12");
    expect(formatMetric(0)).toBe("0");
    expect(formatMetric(3.2e9)).toBe("3.200e9");
  });
});

describe("loss chart series", () => {
  it("draws loss and eval_loss on one chart when they were logged at the same steps", () => {
    expect(lossCharts(aligned)).toEqual([
      {
        title: "Loss",
        xLabel: "step",
        yLabel: "loss",
        x: [1, 2, 3],
        lines: [
          { name: "loss", values: [2.1, 1.7, 1.2] },
          { name: "eval_loss", values: [2.2, 1.9, 1.4] },
        ],
      },
    ]);
  });

  it("draws each on its own when evaluation was logged at other steps, rather than invent values", () => {
    const h = {
      loss: hist("loss", [
        [10, 2],
        [20, 1.5],
        [30, 1.1],
        [40, 1.0],
      ]),
      eval_loss: hist("eval_loss", [
        [20, 1.6],
        [40, 1.2],
      ]),
    };
    expect(lossCharts(h)).toEqual([
      {
        title: "Training loss",
        xLabel: "step",
        yLabel: "loss",
        x: [10, 20, 30, 40],
        lines: [{ name: "loss", values: [2, 1.5, 1.1, 1.0] }],
      },
      {
        title: "Evaluation loss",
        xLabel: "step",
        yLabel: "eval_loss",
        x: [20, 40],
        lines: [{ name: "eval_loss", values: [1.6, 1.2] }],
      },
    ]);
  });

  it("thins a long history to real points spread evenly, keeping the first and last", () => {
    const long = {
      loss: hist(
        "loss",
        Array.from({ length: 1000 }, (_, i) => [i + 1, 3 - i / 1000] as [number, number]),
      ),
    };
    const [c] = lossCharts(long, { maxPoints: 50 });
    expect(c!.x).toHaveLength(50);
    expect(c!.x[0]).toBe(1);
    expect(c!.x.at(-1)).toBe(1000);
    expect(thin([1, 2, 3], 10)).toEqual([1, 2, 3]);
  });

  it("has no chart before any loss is logged", () => {
    expect(lossCharts({ learning_rate: aligned.learning_rate! })).toEqual([]);
  });
});
