using AutoResearch.Abstractions.Parameters;
using AutoResearch.Abstractions.Specs;
using AutoResearch.Evaluation;

namespace AutoResearch.Evaluation.Tests;

/// <summary>The contour surface: a smoothed objective over two parameters on a fixed grid, blank where no result is near.</summary>
public sealed class ParameterContourTests
{
    private static readonly ParameterSpec Lr = new() { Name = "lr", Type = ParameterType.Float, Min = 1e-4, Max = 1, Log = true, Default = "0.01" };
    private static readonly ParameterSpec Width = new() { Name = "width", Type = ParameterType.Int, Min = 0, Max = 100, Default = "50" };
    private static readonly ParameterSpec Activation = new() { Name = "activation", Type = ParameterType.Choice, Choices = ["relu", "gelu"], Default = "relu" };

    /// <summary>A bowl in (log10 lr, width) with its minimum at lr = 0.01 (log10 -2), width = 30.</summary>
    private static double Bowl(double lr, double width) => Math.Pow(Math.Log10(lr) + 2, 2) + Math.Pow((width - 30) / 25.0, 2);

    /// <summary>Results on a jittered grid over the part of the space where <paramref name="keep"/> holds.</summary>
    private static List<(ParameterSet, double)> Results(Func<double, double, bool> keep, int side = 20)
    {
        var random = new Random(7);
        var results = new List<(ParameterSet, double)>();
        for (var i = 0; i < side; i++)
            for (var j = 0; j < side; j++)
            {
                var logLr = -4 + 4 * (i + random.NextDouble()) / side;
                var width = (long)Math.Round(100 * (j + random.NextDouble()) / side);
                if (!keep(logLr, width)) continue;
                var lr = Math.Pow(10, logLr);
                results.Add((ParameterSet.Of(("lr", lr), ("width", width)), Bowl(lr, width)));
            }
        return results;
    }

    [Fact]
    public void A_bowls_best_cell_lands_near_its_true_minimum_on_the_log_scale()
    {
        var surface = ParameterContour.Compute(Lr, Width, Results((_, _) => true), Direction.Minimize)!;

        Assert.Equal(ParameterContour.Size * ParameterContour.Size, surface.Values.Count);
        Assert.True(surface.XLog);
        Assert.Equal(-4, surface.XMin, 9);
        Assert.Equal(0, surface.XMax, 9);
        Assert.All(surface.Values, v => Assert.NotNull(v)); // results everywhere: no blank cell
        // The best cell is near lr = 0.01 (log10 -2) and width = 30, within two cells (0.32 decades, 8 units).
        Assert.InRange(Math.Log10(surface.XAt(surface.BestColumn)), -2.35, -1.65);
        Assert.InRange(surface.YAt(surface.BestRow), 22, 38);
        Assert.Equal(surface.Low, surface.Values[surface.BestRow * surface.Size + surface.BestColumn]);
        // The corners are worse than the middle.
        Assert.True(surface.Values[0] > surface.Low + 1);
    }

    [Fact]
    public void Cells_far_from_every_result_are_left_blank_not_extrapolated()
    {
        // Results only where lr < 0.01: the right part of the grid has none.
        var surface = ParameterContour.Compute(Lr, Width, Results((logLr, _) => logLr < -2, side: 24), Direction.Minimize)!;

        var n = surface.Size;
        for (var row = 0; row < n; row++)
        {
            Assert.NotNull(surface.Values[row * n + 2]);          // lr ≈ 2e-4: among the results
            Assert.Null(surface.Values[row * n + n - 1]);         // lr ≈ 0.8: two decades from the nearest
        }
        Assert.Contains(surface.Values, v => v is null);
    }

    [Fact]
    public void Maximizing_marks_the_highest_cell_best()
    {
        var results = Results((_, _) => true).Select(r => (r.Item1, -r.Item2)).ToList();
        var maximized = ParameterContour.Compute(Lr, Width, results, Direction.Maximize)!;
        var minimized = ParameterContour.Compute(Lr, Width, results, Direction.Minimize)!;

        Assert.Equal(maximized.High, maximized.Values[maximized.BestRow * maximized.Size + maximized.BestColumn]);
        Assert.InRange(Math.Log10(maximized.XAt(maximized.BestColumn)), -2.35, -1.65);
        Assert.Equal(minimized.Low, minimized.Values[minimized.BestRow * minimized.Size + minimized.BestColumn]);
        Assert.NotEqual((maximized.BestColumn, maximized.BestRow), (minimized.BestColumn, minimized.BestRow));
    }

    [Fact]
    public void No_surface_for_a_choice_too_few_results_or_a_parameter_that_never_varied()
    {
        var results = Results((_, _) => true);
        Assert.Null(ParameterContour.Compute(Lr, Activation, results, Direction.Minimize));
        Assert.Null(ParameterContour.Compute(Lr, Width, results.Take(ParameterContour.MinResults - 1).ToList(), Direction.Minimize));
        var fixedWidth = results.Select(r => (ParameterSet.Of(("lr", r.Item1["lr"]), ("width", (ParameterValue)50)), r.Item2)).ToList();
        Assert.Null(ParameterContour.Compute(Lr, Width, fixedWidth, Direction.Minimize));
    }

    [Fact]
    public void More_results_than_the_sample_bound_are_sampled_keeping_the_best()
    {
        var results = Results((_, _) => true, side: 60); // 3,600 results
        var surface = ParameterContour.Compute(Lr, Width, results, Direction.Minimize)!;

        Assert.Equal(ParameterContour.MaxSamples, surface.Samples);
        Assert.InRange(Math.Log10(surface.XAt(surface.BestColumn)), -2.35, -1.65);
    }
}
