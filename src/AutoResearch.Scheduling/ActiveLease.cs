using AutoResearch.Abstractions.Grains;

namespace AutoResearch.Scheduling;

/// <summary>A lease held now, with the accounts it is charged to.</summary>
internal sealed record ActiveLease(SlotRequest Request, LeaseInfo Info, Guid LeaseId, double ChargeSeconds, ShareAccount Campaign, ShareAccount Agent)
{
    public double ElapsedSeconds(DateTimeOffset now) => Math.Max(0, (now - Info.Since).TotalSeconds);
}
