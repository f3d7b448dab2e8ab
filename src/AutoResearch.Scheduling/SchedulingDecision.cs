using AutoResearch.Abstractions.Grains;

namespace AutoResearch.Scheduling;

/// <summary>What <see cref="FairShareScheduler.Schedule"/> decided for one waiting request: a lease, or a refusal that will not change.</summary>
/// <param name="RequestId">The id <see cref="FairShareScheduler.Enqueue"/> returned.</param>
/// <param name="Lease">The lease granted; null when refused.</param>
/// <param name="Refusal">Why the request can never be served; null when granted.</param>
public sealed record SchedulingDecision(long RequestId, SlotLease? Lease, string? Refusal)
{
    public bool Granted => Lease is not null;
}
