using System.Globalization;
using AutoResearch.Abstractions.Grains;
using AutoResearch.Evaluation;
using AutoResearch.Reports;

namespace AutoResearch.Web.Campaigns;

/// <summary>
/// The campaign page's "Cost per gain" section: the verdict, per agent and per model cost per unit of accepted improvement,
/// the models' rejection rates and each agent's tokens (used, remaining, reserved per experiment with its arithmetic).
/// </summary>
public sealed record CostPerGainView(
    string Verdict,
    string Explanation,
    IReadOnlyList<string> AgentHeaders,
    IReadOnlyList<IReadOnlyList<string>> Agents,
    IReadOnlyList<string> ModelHeaders,
    IReadOnlyList<IReadOnlyList<string>> Models,
    IReadOnlyList<IReadOnlyList<string>> Rejections,
    IReadOnlyList<TokenRow> Tokens,
    IReadOnlyDictionary<string, double> AllocationShares)
{
    public static CostPerGainView From(CostPerGainReport report, CampaignStatus status)
    {
        var c = CultureInfo.InvariantCulture;
        var tokens = status.Agents.Where(a => a.TokensUsed > 0 || a.TokenBudget > 0 || a.TokensPerExperiment > 0)
            .Select(a => new TokenRow(a.Id, a.TokensUsed.ToString("N0", c), a.TokenBudget > 0 ? a.TokenBudget.ToString("N0", c) : "no limit",
                a.TokensRemaining?.ToString("N0", c) ?? "–", a.TokensPerExperiment > 0 ? a.TokensPerExperiment.ToString("N0", c) : "–", a.TokenPlan))
            .ToList();
        if (tokens.Count > 0 || status.Budget.Tokens > 0)
        {
            var used = status.Agents.Sum(a => a.TokensUsed);
            tokens.Add(new TokenRow("campaign", used.ToString("N0", c), status.Budget.Tokens > 0 ? status.Budget.Tokens.ToString("N0", c) : "no limit",
                status.Budget.Tokens > 0 ? Math.Max(0, status.Budget.Tokens - used - status.Reserved.Tokens).ToString("N0", c) : "–", "", null));
        }
        return new CostPerGainView(
            report.Verdict(),
            CostPerGainText.Explanation(report),
            CostPerGainText.Headers(report, "agent"),
            CostPerGainText.Rows(report, report.Agents),
            CostPerGainText.Headers(report, "model"),
            CostPerGainText.Rows(report, report.Models),
            CostPerGainText.RejectionRows(report),
            tokens,
            status.AllocationShares);
    }
}

/// <summary>An agent's (or the campaign's) tokens: used, budget, remaining, reserved per experiment and the reservation's arithmetic.</summary>
public sealed record TokenRow(string Agent, string Used, string Budget, string Remaining, string ReservedPerExperiment, string? Plan);
