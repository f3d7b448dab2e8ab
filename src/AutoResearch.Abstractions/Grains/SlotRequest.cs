namespace AutoResearch.Abstractions.Grains;

/// <summary>What an experiment needs from the fleet: a slot, maybe GPUs, and enough time before its deadline.</summary>
[GenerateSerializer, Immutable, Alias("AutoResearch.SlotRequest")]
public sealed record SlotRequest
{
    [Id(0)] public required string CampaignId { get; init; }
    [Id(1)] public required string AgentId { get; init; }

    /// <summary>Fair-share weights of the campaign (among campaigns) and of the agent (within its campaign).</summary>
    [Id(2)] public double CampaignWeight { get; init; } = 1;
    [Id(3)] public double AgentWeight { get; init; } = 1;

    /// <summary>Slots the campaign may hold at once; 0 means no cap beyond the fleet.</summary>
    [Id(4)] public int MaxSlotsForCampaign { get; init; }

    /// <summary>GPU devices the run needs (each given to no other experiment while held).</summary>
    [Id(5)] public int Gpus { get; init; }

    /// <summary>Longest the run can take (its time limit plus grace); with <see cref="MustFinishBy"/> decides whether it may start.</summary>
    [Id(6)] public TimeSpan MaxDuration { get; init; }

    /// <summary>The campaign deadline; the slot is refused once now + <see cref="MaxDuration"/> would pass it.</summary>
    [Id(7)] public DateTimeOffset? MustFinishBy { get; init; }
}
