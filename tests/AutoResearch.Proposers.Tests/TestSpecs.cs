using System.Globalization;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Ports;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Proposers.Tests;

/// <summary>Spec builders, context builders and the validity check shared by the tests.</summary>
internal static class TestSpecs
{
    public static IProposer Create(string strategy) =>
        new ProposerFactory().Create(new AgentSpec { Id = "test", Role = "test", Proposer = strategy });

    public static BenchmarkSpec Benchmark(List<ParameterSpec> parameters, Direction direction = Direction.Minimize) =>
        new()
        {
            Name = "test",
            Directory = "/tmp/test",
            Image = "none",
            Command = [],
            Files = [],
            Parameters = parameters,
            Metric = new MetricSpec { Name = "loss", Direction = direction },
            TimeLimit = TimeSpan.FromMinutes(1),
        };

    public static ParameterSpec Float(string name, double min, double max, bool log = false) =>
        new() { Name = name, Type = ParameterType.Float, Min = min, Max = max, Log = log, Default = Format(log ? Math.Sqrt(min * max) : (min + max) / 2) };

    public static ParameterSpec Int(string name, int min, int max, bool log = false) =>
        new() { Name = name, Type = ParameterType.Int, Min = min, Max = max, Log = log, Default = min.ToString(CultureInfo.InvariantCulture) };

    public static ParameterSpec Choice(string name, params string[] choices) =>
        new() { Name = name, Type = ParameterType.Choice, Choices = [.. choices], Default = choices[0] };

    public static ProposalContext Context(BenchmarkSpec benchmark, IEnumerable<Observation>? history = null, int seed = 1, int round = 0,
        IEnumerable<Dictionary<string, string>>? pending = null, Dictionary<string, string>? settings = null) =>
        new()
        {
            Benchmark = benchmark,
            History = history?.ToList() ?? [],
            Pending = pending?.Select(AutoResearch.Abstractions.Parameters.ParameterSet.FromStored).ToList() ?? [],
            Seed = seed,
            Round = round,
            Settings = settings ?? [],
        };

    /// <summary>A random mix of float/int (linear or log, including one-value ranges) and choice parameters.</summary>
    public static BenchmarkSpec RandomBenchmark(Random rng)
    {
        int count = rng.Next(1, 7);
        var parameters = new List<ParameterSpec>();
        for (int i = 0; i < count; i++)
        {
            string name = $"p{i}";
            switch (rng.Next(3))
            {
                case 0:
                    bool logF = rng.Next(2) == 0;
                    double lo = logF ? Math.Pow(10, rng.Next(-8, 2)) : rng.NextDouble() * 200 - 100;
                    double hi = rng.Next(8) == 0 ? lo : logF ? lo * Math.Pow(10, rng.Next(1, 6)) : lo + rng.NextDouble() * 50;
                    parameters.Add(Float(name, lo, hi, logF));
                    break;
                case 1:
                    bool logI = rng.Next(2) == 0;
                    int min = logI ? rng.Next(1, 20) : rng.Next(-50, 50);
                    int max = rng.Next(6) == 0 ? min : min + rng.Next(1, logI ? 2000 : 10);
                    parameters.Add(Int(name, min, max, logI));
                    break;
                default:
                    int k = rng.Next(1, 6);
                    parameters.Add(Choice(name, Enumerable.Range(0, k).Select(c => $"c{c}").ToArray()));
                    break;
            }
        }

        return Benchmark(parameters, rng.Next(2) == 0 ? Direction.Minimize : Direction.Maximize);
    }

    /// <summary>Asserts every declared parameter is present, in bounds, integral for ints, a declared choice, and invariantly formatted.</summary>
    public static void AssertValid(BenchmarkSpec benchmark, Proposal proposal, string strategy)
    {
        if (strategy == PortfolioProposer.StrategyName)
        {
            Assert.StartsWith(strategy + ":", proposal.ProposerName, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(strategy, proposal.ProposerName);
        }

        Assert.False(proposal.IsBaseline);
        Assert.Equal(benchmark.Parameters.Count, proposal.Parameters.Count);
        foreach (ParameterSpec p in benchmark.Parameters)
        {
            Assert.True(proposal.Parameters.TryGetValue(p.Name, out var value), $"missing {p.Name}");
            string text = value.Text;
            switch (p.Type)
            {
                case ParameterType.Float:
                    Assert.True(double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double f), text);
                    Assert.InRange(f, p.Min!.Value, p.Max!.Value);
                    Assert.Equal(f.ToString("R", CultureInfo.InvariantCulture), text);
                    break;
                case ParameterType.Int:
                    Assert.True(long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long v), text);
                    Assert.InRange(v, (long)p.Min!.Value, (long)p.Max!.Value);
                    Assert.Equal(v.ToString(CultureInfo.InvariantCulture), text);
                    break;
                default:
                    Assert.Contains(text, p.Choices);
                    break;
            }
        }

        Assert.False(string.IsNullOrWhiteSpace(proposal.Hypothesis));
        Assert.DoesNotContain('\n', proposal.Hypothesis);
        Assert.EndsWith(".", proposal.Hypothesis, StringComparison.Ordinal);
    }

    public static string Format(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    public static double Parse(string s) => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);

    public static double Median(IEnumerable<double> values)
    {
        double[] s = values.Order().ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : 0.5 * (s[s.Length / 2 - 1] + s[s.Length / 2]);
    }
}
