using System.Text.Json.Serialization;
using AutoResearch.Host.Operations;

namespace AutoResearch.Web.Campaigns;

/// <summary>What became of a control request: applied (with the host's outcome), refused by the host, or still queued.</summary>
public sealed record ControlResult(long Id, string Action, string? Agent, string Status, string? Outcome)
{
    /// <summary>The typed state <see cref="Status"/> shows; what the API decides its answer by.</summary>
    [JsonIgnore] public ControlReplyState State { get; init; }
}
