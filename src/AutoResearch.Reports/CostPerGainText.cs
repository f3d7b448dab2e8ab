using System.Globalization;
using AutoResearch.Evaluation;

namespace AutoResearch.Reports;

/// <summary>The "Cost per gain" and model rejection tables as text cells, shared by the markdown and HTML reports and the CLI.</summary>
public static class CostPerGainText
{
    public const string Title = "Cost per gain";

    public const string RejectionsTitle = "Model rejections";

    /// <summary>What the table measures, in one paragraph.</summary>
    public static string Explanation(CostPerGainReport report) =>
        $"Each accepted new best is credited to the agent (and model) whose experiment it was, by how much it improved on the best before it; " +
        $"cost is everything its experiments used. Cost per gain is that cost per {report.Unit} of improvement " +
        "(lower is cheaper); an agent without an accepted gain shows \"no gain yet\" with what it spent.";

    public static IReadOnlyList<string> Headers(CostPerGainReport report, string first) =>
        [first, "experiments", "new bests", "gain", "tokens", "CPU-s", "GPU-s", $"tokens per {report.Unit}", $"CPU-s per {report.Unit}", $"GPU-s per {report.Unit}"];

    /// <summary>Which columns hold numbers (right-aligned).</summary>
    public static bool IsNumeric(int column) => column > 0;

    public static IReadOnlyList<IReadOnlyList<string>> Rows(CostPerGainReport report, IEnumerable<GainCost> rows) =>
        rows.Select(r => (IReadOnlyList<string>)
        [
            r.Agents.Count > 0 ? $"{r.Name} ({string.Join(", ", r.Agents)})" : r.Name,
            Int(r.Experiments),
            Int(r.Accepted),
            r.HasGain ? (report.Relative ? string.Create(CultureInfo.InvariantCulture, $"{r.GainUnits:0.##} %") : r.GainUnits.ToString("G4", CultureInfo.InvariantCulture)) : "no gain yet",
            Int(r.Tokens),
            r.CpuSeconds.ToString("N0", CultureInfo.InvariantCulture),
            r.GpuSeconds.ToString("N0", CultureInfo.InvariantCulture),
            Per(r.TokensPerUnit, "N0"),
            Per(r.CpuSecondsPerUnit, "N1"),
            Per(r.GpuSecondsPerUnit, "N1"),
        ]).ToList();

    public static IReadOnlyList<string> RejectionHeaders => ["model", "proposals", "rejected", "rejection rate"];

    public static IReadOnlyList<IReadOnlyList<string>> RejectionRows(CostPerGainReport report) =>
        report.Rejections.Select(r => (IReadOnlyList<string>)
            [r.Model, Int(r.Proposals), Int(r.Rejected), r.Rate.ToString("P0", CultureInfo.InvariantCulture)]).ToList();

    private static string Int(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Per(double? value, string format) => value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "–";
}
