namespace AutoResearch.Abstractions.Grains;

/// <summary>Why an agent stopped proposing; <see cref="None"/> while it runs. Its detail text travels apart (<see cref="AgentStatus.StopDetail"/>).</summary>
[GenerateSerializer, Alias("AutoResearch.AgentStopReason")]
public enum AgentStopReason
{
    None = 0,

    /// <summary>A person (or the campaign's stop) stopped it.</summary>
    Stopped = 1,

    /// <summary>Its own budget cannot cover another run.</summary>
    BudgetSpent = 2,

    /// <summary>The campaign grants no more experiments (its ticket refusal is the detail).</summary>
    CampaignFinished = 3,

    /// <summary>Its loop failed with an error (the message is the detail).</summary>
    Failed = 4,

    /// <summary>Too many of its proposals were rejected before running (rejections cost no experiment, so it must stop somewhere).</summary>
    TooManyRejections = 5,

    /// <summary>The lab's quota (GPU-hours, CPU-hours or tokens across its campaigns) is used up; an admin can raise it.</summary>
    QuotaSpent = 6,

    /// <summary>
    /// Not an end: the campaign moved it to another host (its detail), whose fleet has free slots while its own host's agents
    /// wait. Its running experiments finished first; its campaign re-activates it there and it goes on.
    /// </summary>
    Moving = 7,
}
