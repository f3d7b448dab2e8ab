using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Abstractions.Ports;

/// <summary>Proposes the next experiment from what has been observed so far.</summary>
public interface IProposer
{
    /// <summary>Strategy name recorded in the ledger (e.g. <c>gp</c>).</summary>
    string Name { get; }

    Task<Proposal> ProposeAsync(ProposalContext context, CancellationToken cancellationToken);
}

/// <summary>What a proposer may look at.</summary>
public sealed record ProposalContext
{
    public required BenchmarkSpec Benchmark { get; init; }

    /// <summary>Finished experiments of the whole campaign (all agents), oldest first.</summary>
    public required IReadOnlyList<Observation> History { get; init; }

    /// <summary>Parameters of experiments proposed but not finished yet (any agent), to avoid duplicates.</summary>
    public IReadOnlyList<Dictionary<string, string>> Pending { get; init; } = [];

    /// <summary>Agent seed combined with <see cref="Round"/> gives reproducible proposals.</summary>
    public required int Seed { get; init; }

    /// <summary>How many proposals this agent has made before.</summary>
    public required int Round { get; init; }

    /// <summary>Strategy settings from the agent's role.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    /// <summary>The campaign's current accepted best (parameters and code) to build on; null before the baseline finished.</summary>
    public LeaderboardEntry? Best { get; init; }
}
