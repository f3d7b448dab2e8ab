namespace AutoResearch.Abstractions.Specs;

/// <summary>
/// The campaign's <c>holdout:</c> setting: how many accepted results are re-validated on the benchmark's held-out evaluation
/// at the end (with the baseline), and whether each new best is re-validated as soon as it is accepted. Applies only when the
/// benchmark declares a held-out evaluation (<see cref="BenchmarkSpec.Holdout"/>).
/// </summary>
[GenerateSerializer, Immutable, Alias("AutoResearch.HoldoutPolicy")]
public sealed record HoldoutPolicy
{
    /// <summary>Accepted results (best in-sample first) re-run on the held-out evaluation at the end; 0 turns re-validation off.</summary>
    [Id(0)] public int TopK { get; init; } = 3;

    /// <summary>Also re-validate every new best when it is accepted (its held-out runs go before further proposals).</summary>
    [Id(1)] public bool OnNewBest { get; init; }

    /// <summary>No re-validation (<c>holdout: off</c>).</summary>
    public static HoldoutPolicy Off { get; } = new() { TopK = 0, OnNewBest = false };

    public bool Enabled => TopK > 0 || OnNewBest;
}
