using System.Globalization;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Grains;

/// <summary>Budgets, budget changes and resource use in the journal's words (built from typed values; nothing reads them back).</summary>
internal static class BudgetText
{
    public static string Describe(ControlRequest r) => r.Action switch
    {
        ControlAction.SetBudget => $"budget {(r.Budget is { } b ? Describe(b) : "unchanged")}",
        _ => r.Action.ToString().ToLowerInvariant(),
    };

    public static string Describe(BudgetChange b) => string.Join(", ", new[]
    {
        b.Tokens is { } t ? $"tokens {t}" : null,
        b.CpuSeconds is { } c ? $"CPU-s {c:F0}{InHours(c)}" : null,
        b.GpuSeconds is { } g ? $"GPU-s {g:F0}{InHours(g)}" : null,
    }.Where(x => x is not null));

    public static string Describe(BudgetSpec b) =>
        $"tokens {(b.Tokens > 0 ? b.Tokens.ToString(CultureInfo.InvariantCulture) : "unlimited")}, " +
        $"CPU-s {(b.CpuSeconds > 0 ? b.CpuSeconds.ToString("F0", CultureInfo.InvariantCulture) + InHours(b.CpuSeconds) : "unlimited")}, " +
        $"GPU-s {(b.GpuSeconds > 0 ? b.GpuSeconds.ToString("F0", CultureInfo.InvariantCulture) + InHours(b.GpuSeconds) : "unlimited")}";

    public static string Describe(ResourceUse u) =>
        string.Create(CultureInfo.InvariantCulture, $"{u.Tokens} tokens, {u.CpuSeconds:F0} CPU-s, {u.GpuSeconds:F0} GPU-s");

    /// <summary>A result value as the journal shows it (G6), "n/a" when there is none.</summary>
    public static string Format(double? value) => value is { } v ? v.ToString("G6", CultureInfo.InvariantCulture) : "n/a";

    /// <summary>" (1.5 h)" after a budget in seconds, as the console's forms take it (nothing under 0.01 h).</summary>
    private static string InHours(double seconds) =>
        seconds >= 36 ? string.Create(CultureInfo.InvariantCulture, $" ({seconds / 3600:0.##} h)") : "";
}
