using System.Globalization;

namespace AutoResearch.Abstractions.Specs;

/// <summary>
/// The smallest improvement over the best that a campaign counts as a new best when it cannot claim statistical confidence
/// (identical baseline repeats, noise measurement off or failed), and a floor on every acceptance when the campaign file
/// states it (<c>min_improvement: 0.5%</c> relative to the best's mean, or <c>min_improvement: 0.001</c> in objective units).
/// </summary>
[GenerateSerializer, Immutable, Alias("AutoResearch.MinImprovement")]
public sealed record MinImprovement
{
    /// <summary>The amount: a fraction of |best mean| when <see cref="Relative"/> (0.01 = 1 %), else objective units.</summary>
    [Id(0)] public double Value { get; init; }

    /// <summary>True: <see cref="Value"/> is a fraction of the best's mean; false: an absolute amount in objective units.</summary>
    [Id(1)] public bool Relative { get; init; }

    /// <summary>True when the campaign file stated it (then it is also a floor when noise is measured); false for the default.</summary>
    [Id(2)] public bool Stated { get; init; }

    /// <summary>The default when the campaign file says nothing: 1 % of the best's mean, used only when confidence cannot be measured.</summary>
    public static MinImprovement Default { get; } = new() { Value = 0.01, Relative = true, Stated = false };

    /// <summary>No minimum: any strictly better result (the default when the campaign turns noise measurement off).</summary>
    public static MinImprovement None { get; } = new() { Value = 0, Relative = false, Stated = false };

    /// <summary>The threshold in objective units against a best whose mean is <paramref name="bestMean"/>.</summary>
    public double Threshold(double bestMean) => Relative ? Value * Math.Abs(bestMean) : Value;

    /// <summary>"1 %" (relative) or "0.001" (absolute), invariant.</summary>
    public override string ToString() => Relative
        ? (Value * 100).ToString("0.####", CultureInfo.InvariantCulture) + " %"
        : Value.ToString("G6", CultureInfo.InvariantCulture);
}
