using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Harness.Tests;

/// <summary><c>scorer:</c> (the trusted scorer outside the editable code) and <c>metric.range</c> in <c>benchmark.yaml</c>.</summary>
public sealed class ScorerSpecLoaderTests : IDisposable
{
    private readonly TempTree _tree = new();

    public void Dispose() => _tree.Dispose();

    private string Write(string yaml)
    {
        _tree.Write("benchmarks/digits-mlp/score.py", "print('METRIC val_error=0.1')\n");
        _tree.Write("benchmarks/digits-mlp/labels.csv", "1\n");
        return Specs.WriteBenchmark(_tree, yaml: yaml);
    }

    [Fact]
    public void A_scorer_and_a_plausible_range_load_with_exact_values()
    {
        var path = Write(Specs.Benchmark
            .With("metric: { name: val_error, direction: minimize }", "metric: { name: val_error, direction: minimize, range: [0, 1] }")
            + "\nscorer: { command: [python3, score.py], files: [score.py, ./labels.csv], time_limit: 45s, image: \"autoresearch/sklearn:latest\" }\n");

        var spec = BenchmarkLoader.Load(path);

        Assert.NotNull(spec.Scorer);
        Assert.Equal(["python3", "score.py"], spec.Scorer.Command);
        Assert.Equal(["score.py", "labels.csv"], spec.Scorer.Files);
        Assert.Equal(TimeSpan.FromSeconds(45), spec.Scorer.TimeLimit);
        Assert.Equal("autoresearch/sklearn:latest", spec.Scorer.Image);
        Assert.Equal((0.0, 1.0), (spec.Metric.RangeLow, spec.Metric.RangeHigh));
        Assert.True(spec.Metric.IsPlausible(0.5));
        Assert.False(spec.Metric.IsPlausible(1e308));
        Assert.False(spec.Metric.IsPlausible(-1e-9));
        Assert.False(spec.Metric.IsPlausible(double.NaN));
    }

    [Fact]
    public void Without_scorer_or_range_nothing_changes()
    {
        var spec = BenchmarkLoader.Load(Write(Specs.Benchmark));

        Assert.Null(spec.Scorer);
        Assert.Null(spec.Metric.RangeLow);
        Assert.Null(spec.Metric.RangeHigh);
        Assert.True(spec.Metric.IsPlausible(1e308)); // finite; no declared range
        Assert.False(spec.Metric.IsPlausible(double.PositiveInfinity));
    }

    [Fact]
    public void An_open_end_of_the_range_is_null()
    {
        var spec = BenchmarkLoader.Load(Write(Specs.Benchmark
            .With("metric: { name: val_error, direction: minimize }", "metric: { name: val_error, direction: minimize, range: [0, null] }")));

        Assert.Equal(0.0, spec.Metric.RangeLow);
        Assert.Null(spec.Metric.RangeHigh);
        Assert.True(spec.Metric.IsPlausible(1e300));
        Assert.False(spec.Metric.IsPlausible(-1));
    }

    [Theory]
    [InlineData("range: [1, 0]", "metric.range", "the low end (1) must be below the high end (0)")]
    [InlineData("range: [0]", "metric.range", "must be a list of two numbers [lo, hi]")]
    [InlineData("range: 5", "metric.range", "must be a list of two numbers [lo, hi]")]
    [InlineData("range: [0, lots]", "metric.range[1]", "must be a finite number or null, not 'lots'")]
    [InlineData("range: [0, .inf]", "metric.range[1]", "must be a finite number or null")]
    public void A_bad_range_is_refused_naming_what_is_wrong(string range, string field, string message)
    {
        var path = Write(Specs.Benchmark.With("metric: { name: val_error, direction: minimize }", $"metric: {{ name: val_error, direction: minimize, {range} }}"));

        var e = Expect.Invalid(() => BenchmarkLoader.Load(path));

        Expect.Error(e, path, field, message);
    }

    [Fact]
    public void An_editable_scorer_file_is_refused()
    {
        var path = Write(Specs.Benchmark + "\nscorer: { command: [python3, train.py], files: [train.py], time_limit: 45s }\n");

        var e = Expect.Invalid(() => BenchmarkLoader.Load(path));

        Expect.Error(e, path, "scorer.files[0]", "'train.py' is editable; the scorer's files must be out of the agents' reach");
    }

    [Theory]
    [InlineData("scorer: { files: [score.py], time_limit: 45s }", "scorer.command", "required")]
    [InlineData("scorer: { command: [python3, score.py], time_limit: 45s }", "scorer.files", "required")]
    [InlineData("scorer: { command: [python3, score.py], files: [score.py] }", "scorer.time_limit", "required")]
    [InlineData("scorer: { command: [python3, score.py], files: [missing.py], time_limit: 45s }", "scorer.files[0]", "'missing.py' does not exist")]
    [InlineData("scorer: { command: [python3, score.py], files: [score.py], time_limit: 45s, timeout: 3s }", "scorer.timeout", "unknown key; known keys: command, files, time_limit, image")]
    [InlineData("scorer: python3 score.py", "scorer", "must be a mapping")]
    public void A_bad_scorer_is_refused_naming_the_field(string scorer, string field, string message)
    {
        var path = Write(Specs.Benchmark + "\n" + scorer + "\n");

        var e = Expect.Invalid(() => BenchmarkLoader.Load(path));

        Expect.Error(e, path, field, message);
    }
}
