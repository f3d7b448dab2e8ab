using AutoResearch.Abstractions.Parameters;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Evaluation;

/// <summary>
/// A smoothed surface of the objective over a pair of numeric parameters, for the analysis page's contour plot: a Gaussian-kernel
/// (Nadaraya–Watson) average of the results on a fixed <see cref="Size"/>×<see cref="Size"/> grid in the parameters' scaled
/// space (log10 for log-scale parameters, each scaled to [0, 1]), with a bandwidth from the data's spread (Scott's rule). Cells
/// with too little kernel weight (no result near them) are left blank rather than extrapolated. Bounded work: at most
/// <see cref="MaxSamples"/> results (an even sample that keeps the best), the grid fixed.
/// </summary>
public static class ParameterContour
{
    /// <summary>Cells per side of the grid.</summary>
    public const int Size = 25;

    /// <summary>Most results one surface averages.</summary>
    public const int MaxSamples = 2000;

    /// <summary>Least kernel weight (sum of the results' Gaussian weights) for a cell to get a value.</summary>
    public const double MinWeight = 0.3;

    /// <summary>Fewest distinct results for a surface.</summary>
    public const int MinResults = 4;

    /// <summary>
    /// The surface of <paramref name="results"/>' objectives over <paramref name="x"/> and <paramref name="y"/> (both numeric);
    /// null when either is not numeric, or there are too few results, or either parameter never varied.
    /// </summary>
    public static ContourSurface? Compute(ParameterSpec x, ParameterSpec y, IReadOnlyList<(ParameterSet Parameters, double Objective)> results, Direction direction)
    {
        if (x.Type == ParameterType.Choice || y.Type == ParameterType.Choice || x.Name == y.Name) return null;
        var minimize = direction == Direction.Minimize;
        var placed = new List<(double U, double V, double Objective)>();
        foreach (var (parameters, objective) in results)
        {
            if (!double.IsFinite(objective)) continue;
            if (Scaled(x, parameters) is not { } u || Scaled(y, parameters) is not { } v) continue;
            placed.Add((u, v, objective));
        }
        if (placed.Count < MinResults) return null;
        if (placed.Count > MaxSamples)
        {
            // An even sample in the results' order, keeping the best.
            var best = placed.MinBy(p => minimize ? p.Objective : -p.Objective);
            var step = (double)placed.Count / (MaxSamples - 1);
            placed = Enumerable.Range(0, MaxSamples - 1).Select(i => placed[(int)(i * step)]).Append(best).ToList();
        }

        var (u0, u1) = Range(x, placed.Select(p => p.U));
        var (v0, v1) = Range(y, placed.Select(p => p.V));
        if (u1 - u0 < 1e-12 || v1 - v0 < 1e-12) return null;
        var points = placed.Select(p => ((p.U - u0) / (u1 - u0), (p.V - v0) / (v1 - v0), p.Objective)).ToArray();
        var hu = Bandwidth(points.Select(p => p.Item1).ToList());
        var hv = Bandwidth(points.Select(p => p.Item2).ToList());
        if (hu is null || hv is null) return null;

        var values = new double?[Size * Size];
        for (var row = 0; row < Size; row++)
        {
            var cv = (row + 0.5) / Size;
            for (var col = 0; col < Size; col++)
            {
                var cu = (col + 0.5) / Size;
                double weight = 0, sum = 0;
                foreach (var (pu, pv, objective) in points)
                {
                    var du = (pu - cu) / hu.Value;
                    var dv = (pv - cv) / hv.Value;
                    var w = Math.Exp(-0.5 * (du * du + dv * dv));
                    weight += w;
                    sum += w * objective;
                }
                if (weight >= MinWeight) values[row * Size + col] = sum / weight;
            }
        }
        var filled = values.Where(v => v is not null).Select(v => v!.Value).ToList();
        if (filled.Count == 0) return null;
        var bestCell = Enumerable.Range(0, values.Length).Where(i => values[i] is not null)
            .MinBy(i => minimize ? values[i]!.Value : -values[i]!.Value);
        return new ContourSurface(x.Name, y.Name, x.Log, y.Log, u0, u1, v0, v1, Size, values, filled.Min(), filled.Max(),
            bestCell % Size, bestCell / Size, points.Length, hu.Value, hv.Value);
    }

    /// <summary>The value's place in the scaled space (log10 for log-scale parameters); null when absent, not a number, or not positive on a log scale.</summary>
    public static double? Scaled(ParameterSpec parameter, ParameterSet values)
    {
        if (values.Get(parameter.Name) is not { IsNumber: true } value) return null;
        var number = value.AsNumber;
        if (!parameter.Log) return number;
        return number > 0 ? Math.Log10(number) : null;
    }

    /// <summary>The axis range in scaled space: the declared bounds where given (positive on log scales), else the data's.</summary>
    private static (double Low, double High) Range(ParameterSpec parameter, IEnumerable<double> scaled)
    {
        var data = scaled.ToList();
        double? Bound(double? b) => b is not { } v ? null : parameter.Log ? (v > 0 ? Math.Log10(v) : null) : v;
        var low = Math.Min(Bound(parameter.Min) ?? data.Min(), data.Min());
        var high = Math.Max(Bound(parameter.Max) ?? data.Max(), data.Max());
        return (low, high);
    }

    /// <summary>Scott's rule in two dimensions (σ·n^(-1/6)) on the [0, 1] axis, kept between a cell and half the axis; null when the values never vary.</summary>
    private static double? Bandwidth(IReadOnlyList<double> values)
    {
        var mean = values.Average();
        var sd = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / Math.Max(1, values.Count - 1));
        if (sd < 1e-9) return null;
        return Math.Clamp(sd * Math.Pow(values.Count, -1.0 / 6), 1.0 / Size, 0.5);
    }
}

/// <summary>
/// A smoothed objective over two parameters: <see cref="Values"/> row by row from the lowest <see cref="Y"/> (null: blank, too
/// far from any result), columns from the lowest <see cref="X"/>; axis ranges in scaled space (log10 where <c>XLog</c>/<c>YLog</c>).
/// </summary>
public sealed record ContourSurface(
    string X,
    string Y,
    bool XLog,
    bool YLog,
    double XMin,
    double XMax,
    double YMin,
    double YMax,
    int Size,
    IReadOnlyList<double?> Values,
    double Low,
    double High,
    int BestColumn,
    int BestRow,
    int Samples,
    double XBandwidth,
    double YBandwidth)
{
    /// <summary>The centre of a column in the parameter's own units (10^ on a log scale).</summary>
    public double XAt(double column) => At(XMin, XMax, XLog, column);

    /// <summary>The centre of a row in the parameter's own units.</summary>
    public double YAt(double row) => At(YMin, YMax, YLog, row);

    private double At(double lo, double hi, bool log, double index)
    {
        var s = lo + (index + 0.5) / Size * (hi - lo);
        return log ? Math.Pow(10, s) : s;
    }
}
