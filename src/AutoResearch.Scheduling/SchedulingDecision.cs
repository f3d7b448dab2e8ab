using AutoResearch.Abstractions.Grains;

namespace AutoResearch.Scheduling;

/// <summary>What <see cref="FairShareScheduler.Schedule"/> decided for one waiting request: a lease or a final refusal.</summary>
public sealed record SchedulingDecision(long RequestId, SlotLease? Lease, string? Refusal);
