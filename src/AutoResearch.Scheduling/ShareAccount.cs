namespace AutoResearch.Scheduling;

/// <summary>
/// The fair-share standing of one campaign among campaigns, or of one agent among the agents of its campaign: its normalized
/// service (slot-seconds ÷ weight) and the leases and waiting requests that make it active.
/// </summary>
internal sealed class ShareAccount(string id, bool isCampaign)
{
    public string Id { get; } = id;

    /// <summary>Σ seconds held ÷ weight over finished leases, raised when the account comes back from idleness.</summary>
    public double VirtualSeconds { get; set; }

    /// <summary>Slot-seconds of finished leases, as held (not normalized).</summary>
    public double FinishedSlotSeconds { get; set; }

    public List<ActiveLease> Leases { get; } = [];

    public int Waiting { get; set; }

    /// <summary>When the account last had nothing waiting and nothing running; null while active or never seen.</summary>
    public DateTimeOffset? IdleSince { get; set; }

    public bool IsActive => Waiting > 0 || Leases.Count > 0;

    /// <summary>Normalized service so far: finished leases plus the elapsed part of running ones.</summary>
    public double Usage(DateTimeOffset now)
    {
        var total = VirtualSeconds;
        foreach (var lease in Leases) total += lease.ElapsedSeconds(now) / Weight(lease);
        return total;
    }

    /// <summary>The fair-share key: like <see cref="Usage"/>, but a running lease counts at least its charge (its longest duration).</summary>
    public double Key(DateTimeOffset now)
    {
        var total = VirtualSeconds;
        foreach (var lease in Leases) total += Math.Max(lease.ElapsedSeconds(now), lease.ChargeSeconds) / Weight(lease);
        return total;
    }

    /// <summary>Slot-seconds held: finished leases plus the elapsed part of running ones.</summary>
    public double SlotSeconds(DateTimeOffset now)
    {
        var total = FinishedSlotSeconds;
        foreach (var lease in Leases) total += lease.ElapsedSeconds(now);
        return total;
    }

    /// <summary>Ends <paramref name="lease"/> for this account: its held time becomes finished service.</summary>
    public void Finish(ActiveLease lease, DateTimeOffset now)
    {
        var seconds = lease.ElapsedSeconds(now);
        VirtualSeconds += seconds / Weight(lease);
        FinishedSlotSeconds += seconds;
        Leases.Remove(lease);
        if (!IsActive) IdleSince = now;
    }

    private double Weight(ActiveLease lease) => isCampaign ? lease.Request.CampaignWeight : lease.Request.AgentWeight;
}
