using System.Globalization;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Abstractions.Experiments;

/// <summary>
/// A lab's quota of GPU-hours, CPU-hours and tokens over all its campaigns, set by an admin. A lab is everyone using one
/// server and its ledger (<see cref="DefaultLab"/>): users belong to it by signing in to that server. 0 means no limit.
/// </summary>
[GenerateSerializer, Immutable, Alias("AutoResearch.LabQuota")]
public sealed record LabQuota
{
    /// <summary>The one lab of a server and its ledger.</summary>
    public const string DefaultLab = "default";

    [Id(0)] public string Lab { get; init; } = DefaultLab;

    /// <summary>The limits, as budgets are written (GPU- and CPU-seconds, tokens; 0: no limit).</summary>
    [Id(1)] public BudgetSpec Limits { get; init; } = new();

    [Id(2)] public string SetBy { get; init; } = "";
    [Id(3)] public DateTimeOffset? SetAt { get; init; }

    /// <summary>No quota (nothing limited).</summary>
    public static LabQuota None { get; } = new();
}

/// <summary>Which resource of a lab's quota a problem is about.</summary>
[GenerateSerializer, Alias("AutoResearch.QuotaResource")]
public enum QuotaResource
{
    GpuHours = 0,
    CpuHours = 1,
    Tokens = 2,
}

/// <summary>A quota problem, naming the resource and carrying its numbers in the message.</summary>
public sealed record QuotaProblem(QuotaResource Resource, string Message);

/// <summary>
/// The rules of a lab's quota, one place for the campaign start (a campaign whose budgets exceed what is left is refused) and
/// for running agents (they stop once the lab's recorded use reaches the quota). Use is what the ledger recorded across the
/// lab's campaigns: the runs' CPU- and GPU-seconds and the metered model tokens.
/// </summary>
public static class LabQuotaRules
{
    /// <summary>What is left of each limited resource (negative when over); an unlimited resource is left out.</summary>
    public static IReadOnlyList<(QuotaResource Resource, double Limit, double Used, double Left)> Remaining(BudgetSpec quota, ResourceUse used)
    {
        ArgumentNullException.ThrowIfNull(quota);
        ArgumentNullException.ThrowIfNull(used);
        var left = new List<(QuotaResource, double, double, double)>();
        if (quota.GpuSeconds > 0) left.Add((QuotaResource.GpuHours, quota.GpuSeconds / 3600, used.GpuSeconds / 3600, (quota.GpuSeconds - used.GpuSeconds) / 3600));
        if (quota.CpuSeconds > 0) left.Add((QuotaResource.CpuHours, quota.CpuSeconds / 3600, used.CpuSeconds / 3600, (quota.CpuSeconds - used.CpuSeconds) / 3600));
        if (quota.Tokens > 0) left.Add((QuotaResource.Tokens, quota.Tokens, used.Tokens, quota.Tokens - used.Tokens));
        return left;
    }

    /// <summary>
    /// Why a campaign with <paramref name="campaignBudget"/> may not start under the lab's quota: a limited resource already
    /// used up, or a campaign budget above what is left (a campaign without a budget for a limited resource may start while
    /// some is left: the running check stops it at the quota). Empty when it may start.
    /// </summary>
    public static IReadOnlyList<QuotaProblem> StartProblems(BudgetSpec quota, ResourceUse used, BudgetSpec campaignBudget)
    {
        ArgumentNullException.ThrowIfNull(campaignBudget);
        var problems = new List<QuotaProblem>();
        foreach (var (resource, limit, spent, left) in Remaining(quota, used))
        {
            var asked = resource switch
            {
                QuotaResource.GpuHours => campaignBudget.GpuSeconds / 3600,
                QuotaResource.CpuHours => campaignBudget.CpuSeconds / 3600,
                _ => campaignBudget.Tokens,
            };
            if (left <= 0)
                problems.Add(new QuotaProblem(resource, $"the lab's {Name(resource)} quota is used up: {Amount(resource, spent)} used of {Amount(resource, limit)}"));
            else if (asked > left + 1e-9)
                problems.Add(new QuotaProblem(resource,
                    $"the campaign's {Name(resource)} budget ({Amount(resource, asked)}) exceeds what is left of the lab's quota: {Amount(resource, left)} of {Amount(resource, limit)} ({Amount(resource, spent)} used)"));
        }
        return problems;
    }

    /// <summary>
    /// The most a campaign may use of each resource: its campaign-wide budget, else the sum of its agents' budgets when every
    /// agent has one for that resource, else 0 (no limit of its own).
    /// </summary>
    public static BudgetSpec CampaignBudget(CampaignSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var agents = spec.Agents.Select(a => a.Budget).ToList();
        double Of(double campaign, Func<BudgetSpec, double> agent) =>
            campaign > 0 ? campaign : agents.Count > 0 && agents.All(a => agent(a) > 0) ? agents.Sum(agent) : 0;
        return new BudgetSpec
        {
            GpuSeconds = Of(spec.Budget.GpuSeconds, a => a.GpuSeconds),
            CpuSeconds = Of(spec.Budget.CpuSeconds, a => a.CpuSeconds),
            Tokens = (long)Of(spec.Budget.Tokens, a => a.Tokens),
        };
    }

    /// <summary>Why no new experiment may start under the quota (a limited resource used up); null while every one has some left.</summary>
    public static string? Exhausted(BudgetSpec quota, ResourceUse used)
    {
        var over = Remaining(quota, used).Where(r => r.Left <= 0).ToList();
        return over.Count == 0 ? null
            : "the lab's quota is used up: " + string.Join("; ", over.Select(r => $"{Name(r.Resource)} {Amount(r.Resource, r.Used)} used of {Amount(r.Resource, r.Limit)}"));
    }

    public static string Name(QuotaResource resource) => resource switch
    {
        QuotaResource.GpuHours => "GPU-hours",
        QuotaResource.CpuHours => "CPU-hours",
        _ => "tokens",
    };

    private static string Amount(QuotaResource resource, double value) => resource == QuotaResource.Tokens
        ? value.ToString("N0", CultureInfo.InvariantCulture) + " tokens"
        : value.ToString("0.##", CultureInfo.InvariantCulture) + (resource == QuotaResource.GpuHours ? " GPU-hours" : " CPU-hours");
}
