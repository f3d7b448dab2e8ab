using AutoResearch.Abstractions.Parameters;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Ports;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Proposers.Encoding;

/// <summary>History and pending points in the model space, with losses to minimize (null for failures).</summary>
internal sealed class EncodedHistory
{
    private EncodedHistory(List<double[]> points, List<double?> losses, List<double[]> pending, HashSet<string> keys)
    {
        Points = points;
        Losses = losses;
        Pending = pending;
        Keys = keys;
    }

    /// <summary>Observed points (snapped model vectors), oldest first.</summary>
    public IReadOnlyList<double[]> Points { get; }

    /// <summary>Loss of each observed point (objective, negated when maximizing); null when the run failed.</summary>
    public IReadOnlyList<double?> Losses { get; }

    /// <summary>Points proposed but not finished yet.</summary>
    public IReadOnlyList<double[]> Pending { get; }

    /// <summary>Canonical keys of all observed and pending points.</summary>
    public IReadOnlySet<string> Keys { get; }

    public int SuccessCount => Losses.Count(l => l.HasValue);

    /// <summary>Observed plus pending.</summary>
    public int TotalCount => Points.Count + Pending.Count;

    public static EncodedHistory Build(ParameterSpace space, ProposalContext context)
    {
        bool maximize = context.Benchmark.Metric.Direction == Direction.Maximize;
        var points = new List<double[]>(context.History.Count);
        var losses = new List<double?>(context.History.Count);
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (Observation o in context.History)
        {
            double[] x = space.Encode(o.Parameters);
            points.Add(x);
            keys.Add(space.Key(x));
            losses.Add(o.Objective is double v && double.IsFinite(v) ? (maximize ? -v : v) : null);
        }

        var pending = new List<double[]>(context.Pending.Count);
        foreach (ParameterSet p in context.Pending)
        {
            double[] x = space.Encode(p);
            pending.Add(x);
            keys.Add(space.Key(x));
        }

        return new EncodedHistory(points, losses, pending, keys);
    }
}
