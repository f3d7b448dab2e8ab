using System.Globalization;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Bench.Proposers.Synthetic;

/// <summary>Standard optimization test functions as benchmark specs (parameters x1..xd, minimize unless noted).</summary>
public static class SyntheticFunctions
{
    public static IReadOnlyList<string> Names { get; } =
        ["branin", "hartmann6", "rosenbrock4", "ackley5", "mixed", "levy4", "styblinski8", "hartmann6-noisy", "rosenbrock4-std"];

    public static SyntheticFunction ByName(string name) => name switch
    {
        "branin" => Branin(),
        "hartmann6" => Hartmann6(),
        "rosenbrock4" => Rosenbrock(4),
        "ackley5" => Ackley(5),
        "mixed" => Mixed(),
        "levy4" => Levy(4),
        "styblinski8" => StyblinskiTang(8),
        "hartmann6-noisy" => Hartmann6() with { Name = "hartmann6-noisy", NoiseSd = 0.1 },
        "rosenbrock4-std" => Rosenbrock(4, -5, 10, "rosenbrock4-std"),
        _ => throw new ArgumentException($"Unknown synthetic function '{name}'; known: {string.Join(", ", Names)}.", nameof(name)),
    };

    /// <summary>Branin–Hoo on [−5, 10] × [0, 15]; minimum 0.397887 at three points.</summary>
    public static SyntheticFunction Branin()
    {
        BenchmarkSpec spec = Spec("branin", 0.397887357729739, [Float("x1", -5, 10), Float("x2", 0, 15)]);
        return new SyntheticFunction("branin", spec, p =>
        {
            double x1 = Get(p, "x1");
            double x2 = Get(p, "x2");
            double b = 5.1 / (4 * Math.PI * Math.PI);
            double c = 5 / Math.PI;
            double t = 1 / (8 * Math.PI);
            double u = x2 - b * x1 * x1 + c * x1 - 6;
            return u * u + 10 * (1 - t) * Math.Cos(x1) + 10;
        });
    }

    /// <summary>Hartmann 6-D on [0, 1]^6; minimum −3.32237.</summary>
    public static SyntheticFunction Hartmann6()
    {
        double[] alpha = [1.0, 1.2, 3.0, 3.2];
        double[,] a =
        {
            { 10, 3, 17, 3.5, 1.7, 8 },
            { 0.05, 10, 17, 0.1, 8, 14 },
            { 3, 3.5, 1.7, 10, 17, 8 },
            { 17, 8, 0.05, 10, 0.1, 14 },
        };
        double[,] pm =
        {
            { 0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886 },
            { 0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991 },
            { 0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650 },
            { 0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381 },
        };
        BenchmarkSpec spec = Spec("hartmann6", -3.32236801141551,
            Enumerable.Range(1, 6).Select(i => Float($"x{i}", 0, 1)).ToList());
        return new SyntheticFunction("hartmann6", spec, p =>
        {
            double[] x = Enumerable.Range(1, 6).Select(i => Get(p, $"x{i}")).ToArray();
            double sum = 0;
            for (int i = 0; i < 4; i++)
            {
                double inner = 0;
                for (int j = 0; j < 6; j++)
                {
                    double d = x[j] - pm[i, j];
                    inner += a[i, j] * d * d;
                }

                sum += alpha[i] * Math.Exp(-inner);
            }

            return -sum;
        });
    }

    /// <summary>Rosenbrock on [<paramref name="min"/>, <paramref name="max"/>]^d (default [−2, 2]; the standard domain is [−5, 10]); minimum 0 at (1, …, 1).</summary>
    public static SyntheticFunction Rosenbrock(int d, double min = -2, double max = 2, string? name = null)
    {
        BenchmarkSpec spec = Spec(name ?? $"rosenbrock{d}", 0, Enumerable.Range(1, d).Select(i => Float($"x{i}", min, max)).ToList());
        return new SyntheticFunction(spec.Name, spec, p =>
        {
            double sum = 0;
            for (int i = 1; i < d; i++)
            {
                double xi = Get(p, $"x{i}");
                double xn = Get(p, $"x{i + 1}");
                sum += 100 * (xn - xi * xi) * (xn - xi * xi) + (1 - xi) * (1 - xi);
            }

            return sum;
        });
    }

    /// <summary>Levy on [−10, 10]^d; minimum 0 at (1, …, 1).</summary>
    public static SyntheticFunction Levy(int d)
    {
        BenchmarkSpec spec = Spec($"levy{d}", 0, Enumerable.Range(1, d).Select(i => Float($"x{i}", -10, 10)).ToList());
        return new SyntheticFunction(spec.Name, spec, p =>
        {
            double[] w = Enumerable.Range(1, d).Select(i => 1 + (Get(p, $"x{i}") - 1) / 4).ToArray();
            double s1 = Math.Sin(Math.PI * w[0]);
            double sum = s1 * s1;
            for (int i = 0; i < d - 1; i++)
            {
                double si = Math.Sin(Math.PI * w[i] + 1);
                sum += (w[i] - 1) * (w[i] - 1) * (1 + 10 * si * si);
            }

            double sl = Math.Sin(2 * Math.PI * w[d - 1]);
            return sum + (w[d - 1] - 1) * (w[d - 1] - 1) * (1 + sl * sl);
        });
    }

    /// <summary>Styblinski–Tang on [−5, 5]^d; minimum −39.16616570377142·d at (−2.903534, …).</summary>
    public static SyntheticFunction StyblinskiTang(int d)
    {
        BenchmarkSpec spec = Spec($"styblinski{d}", -39.16616570377142 * d, Enumerable.Range(1, d).Select(i => Float($"x{i}", -5, 5)).ToList());
        return new SyntheticFunction(spec.Name, spec, p =>
        {
            double sum = 0;
            for (int i = 1; i <= d; i++)
            {
                double x = Get(p, $"x{i}");
                sum += x * x * x * x - 16 * x * x + 5 * x;
            }

            return sum / 2;
        });
    }

    /// <summary>Ackley on [−32.768, 32.768]^d; minimum 0 at the origin.</summary>
    public static SyntheticFunction Ackley(int d)
    {
        BenchmarkSpec spec = Spec($"ackley{d}", 0, Enumerable.Range(1, d).Select(i => Float($"x{i}", -32.768, 32.768)).ToList());
        return new SyntheticFunction(spec.Name, spec, p =>
        {
            double[] x = Enumerable.Range(1, d).Select(i => Get(p, $"x{i}")).ToArray();
            double sq = x.Sum(v => v * v) / d;
            double cos = x.Sum(v => Math.Cos(2 * Math.PI * v)) / d;
            return -20 * Math.Exp(-0.2 * Math.Sqrt(sq)) - Math.Exp(cos) + 20 + Math.E;
        });
    }

    /// <summary>
    /// A mixed space like a training run's: log-float <c>lr</c> in [1e-4, 1] (best 0.01), log-int <c>hidden</c> in
    /// [4, 256] (best 64), int <c>layers</c> in [1, 4] (best 2), choice <c>activation</c> (best gelu). Maximizes a
    /// score with optimum 1.
    /// </summary>
    public static SyntheticFunction Mixed()
    {
        BenchmarkSpec spec = Spec("mixed", 1.0,
            [
                new ParameterSpec { Name = "lr", Type = ParameterType.Float, Min = 1e-4, Max = 1, Log = true, Default = "0.001" },
                new ParameterSpec { Name = "hidden", Type = ParameterType.Int, Min = 4, Max = 256, Log = true, Default = "16" },
                new ParameterSpec { Name = "layers", Type = ParameterType.Int, Min = 1, Max = 4, Default = "1" },
                new ParameterSpec { Name = "activation", Type = ParameterType.Choice, Choices = ["relu", "tanh", "gelu", "sigmoid"], Default = "relu" },
            ],
            Direction.Maximize);
        return new SyntheticFunction("mixed", spec, p =>
        {
            double lr = Math.Log10(Get(p, "lr")) + 2;
            double hidden = (Math.Log2(Get(p, "hidden")) - 6) / 2;
            double layers = (Get(p, "layers") - 2) / 2;
            double act = p["activation"] switch { "gelu" => 0, "relu" => 0.3, "tanh" => 0.6, _ => 1.0 };
            return 1 - (lr * lr + hidden * hidden + layers * layers + act);
        });
    }

    private static BenchmarkSpec Spec(string name, double optimum, List<ParameterSpec> parameters, Direction direction = Direction.Minimize) =>
        new()
        {
            Name = name,
            Directory = "synthetic",
            Image = "none",
            Command = [],
            Files = [],
            Parameters = parameters,
            Metric = new MetricSpec { Name = "value", Direction = direction },
            TimeLimit = TimeSpan.FromMinutes(1),
            KnownOptimum = optimum,
        };

    private static ParameterSpec Float(string name, double min, double max) =>
        new()
        {
            Name = name,
            Type = ParameterType.Float,
            Min = min,
            Max = max,
            Default = ((min + max) / 2).ToString("R", CultureInfo.InvariantCulture),
        };

    private static double Get(IReadOnlyDictionary<string, string> p, string name) =>
        double.Parse(p[name], NumberStyles.Float, CultureInfo.InvariantCulture);
}
