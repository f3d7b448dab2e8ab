using AutoResearch.Abstractions.Grains;

namespace AutoResearch.Scheduling;

/// <summary>A request waiting for a slot; <see cref="Id"/> grows with arrival, so it doubles as the first-come order.</summary>
internal sealed record WaitingRequest(long Id, SlotRequest Request, DateTimeOffset EnqueuedAt, ShareAccount Campaign, ShareAccount Agent);
