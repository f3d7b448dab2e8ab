using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Host.Operations;

/// <summary>
/// The lab's quota of GPU-hours, CPU-hours and tokens (one lab per server and ledger: <see cref="LabQuota.DefaultLab"/>), read
/// by anyone and set by an admin through the console, the API and the CLI; enforced when a campaign starts
/// (<see cref="CampaignLaunch.QuotaProblemsAsync"/>) and while it runs (agents stop with <c>QuotaSpent</c>).
/// </summary>
public sealed partial class CampaignOperations
{
    /// <summary>The quota in force, what the lab's campaigns used (as the ledger recorded it) and what is left.</summary>
    public async Task<LabQuotaView> GetQuotaAsync(CancellationToken cancellationToken)
    {
        var quota = await ledger.GetLabQuotaAsync(LabQuota.DefaultLab, cancellationToken);
        var used = await ledger.GetLabUsageAsync(cancellationToken);
        return LabQuotaView.From(quota, used);
    }

    /// <summary>Each negative or non-finite value of <paramref name="order"/>, naming its resource (a form reports these with its own).</summary>
    public static List<OperationProblem> QuotaValueProblems(QuotaOrder order)
    {
        ArgumentNullException.ThrowIfNull(order);
        var problems = new List<OperationProblem>();
        void Check(double? value, QuotaResource resource)
        {
            if (value is { } v && (v < 0 || !double.IsFinite(v)))
                problems.Add(new OperationProblem(OperationField.Quota, $"{LabQuotaRules.Name(resource)} must be 0 (no limit) or more, not {v}", resource.ToString()));
        }
        Check(order.GpuHours, QuotaResource.GpuHours);
        Check(order.CpuHours, QuotaResource.CpuHours);
        Check(order.Tokens, QuotaResource.Tokens);
        return problems;
    }

    /// <summary>
    /// Sets the lab's quota: a null value stays as it is, 0 removes that limit; a negative or non-finite value is refused
    /// naming its field. Lowering a quota below what was used stops running agents before their next experiment.
    /// </summary>
    public async Task<OperationResult<LabQuotaView>> SetQuotaAsync(QuotaOrder order, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(order);
        var problems = QuotaValueProblems(order);
        if (order.GpuHours is null && order.CpuHours is null && order.Tokens is null)
            problems.Add(new OperationProblem(OperationField.Quota, "give at least one of GPU-hours, CPU-hours or tokens (0 removes a limit)"));
        if (problems.Count > 0) return new OperationResult<LabQuotaView>(null, OperationFailure.Invalid, problems);

        var before = (await ledger.GetLabQuotaAsync(LabQuota.DefaultLab, cancellationToken)).Limits;
        var quota = new LabQuota
        {
            Limits = new BudgetSpec
            {
                GpuSeconds = order.GpuHours is { } g ? g * 3600 : before.GpuSeconds,
                CpuSeconds = order.CpuHours is { } c ? c * 3600 : before.CpuSeconds,
                Tokens = order.Tokens is { } t ? (long)Math.Round(t) : before.Tokens,
            },
            SetBy = order.SetBy,
            SetAt = clock.GetUtcNow(),
        };
        await ledger.SetLabQuotaAsync(quota, cancellationToken);
        return OperationResult<LabQuotaView>.Done(LabQuotaView.From(quota, await ledger.GetLabUsageAsync(cancellationToken)));
    }
}

/// <summary>New quota values (null: as it is; 0: no limit), and who sets them.</summary>
public sealed record QuotaOrder(double? GpuHours = null, double? CpuHours = null, double? Tokens = null, string SetBy = "");

/// <summary>The lab's quota as people read it: each resource's limit (0: none), use and what is left (null: no limit).</summary>
public sealed record LabQuotaView(
    string Lab,
    double GpuHours, double GpuHoursUsed, double? GpuHoursLeft,
    double CpuHours, double CpuHoursUsed, double? CpuHoursLeft,
    long Tokens, long TokensUsed, long? TokensLeft,
    string SetBy, DateTimeOffset? SetAt)
{
    public static LabQuotaView From(LabQuota quota, ResourceUse used)
    {
        ArgumentNullException.ThrowIfNull(quota);
        ArgumentNullException.ThrowIfNull(used);
        var q = quota.Limits;
        return new LabQuotaView(quota.Lab,
            q.GpuSeconds / 3600, used.GpuSeconds / 3600, q.GpuSeconds > 0 ? Math.Max(0, q.GpuSeconds - used.GpuSeconds) / 3600 : null,
            q.CpuSeconds / 3600, used.CpuSeconds / 3600, q.CpuSeconds > 0 ? Math.Max(0, q.CpuSeconds - used.CpuSeconds) / 3600 : null,
            q.Tokens, used.Tokens, q.Tokens > 0 ? Math.Max(0, q.Tokens - used.Tokens) : null,
            quota.SetBy, quota.SetAt);
    }
}
