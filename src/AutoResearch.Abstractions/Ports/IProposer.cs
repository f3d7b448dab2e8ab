using AutoResearch.Abstractions.Parameters;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Abstractions.Ports;

/// <summary>Proposes the next experiment from what has been observed so far.</summary>
public interface IProposer
{
    /// <summary>Strategy name recorded in the ledger (e.g. <c>gp</c>).</summary>
    string Name { get; }

    Task<Proposal> ProposeAsync(ProposalContext context, CancellationToken cancellationToken);

    /// <summary>
    /// Most tokens one experiment of this proposer can cost (proposing, repairing, reflecting); reserved from the agent's token
    /// budget before the experiment is asked for. 0 for proposers that call no model.
    /// </summary>
    long MaxTokensPerExperiment => 0;

    /// <summary>The arithmetic behind <see cref="MaxTokensPerExperiment"/> in words, for status; null for proposers that call no model.</summary>
    string? DescribeTokenPlan() => null;
}

/// <summary>What a proposer may look at.</summary>
public sealed record ProposalContext
{
    public required BenchmarkSpec Benchmark { get; init; }

    /// <summary>Finished experiments of the whole campaign (all agents), oldest first.</summary>
    public required IReadOnlyList<Observation> History { get; init; }

    /// <summary>Parameters of experiments proposed but not finished yet (any agent), to avoid duplicates.</summary>
    public IReadOnlyList<ParameterSet> Pending { get; init; } = [];

    /// <summary>Agent seed combined with <see cref="Round"/> gives reproducible proposals.</summary>
    public required int Seed { get; init; }

    /// <summary>How many proposals this agent has made before.</summary>
    public required int Round { get; init; }

    /// <summary>Strategy settings from the agent's role.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    /// <summary>The campaign's current accepted best (parameters and code) to build on; null before the baseline finished.</summary>
    public LeaderboardEntry? Best { get; init; }

    /// <summary>The campaign, agent and experiment the proposal is for (model calls are recorded under them).</summary>
    public string CampaignId { get; init; } = "";
    public string AgentId { get; init; } = "";
    public string? ExperimentId { get; init; }

    /// <summary>Tokens this proposal may spend (what the agent reserved for it); null for no limit.</summary>
    public long? TokensLeft { get; init; }

    /// <summary>The agent's budget left after this experiment's reservation, in words, for the model's context.</summary>
    public string BudgetLeft { get; init; } = "";

    /// <summary>Finished experiments of the whole campaign as the ledger has them (for proposers that read code and reasons).</summary>
    public IReadOnlyList<ExperimentRecord> Experiments { get; init; } = [];

    /// <summary>
    /// For model agents: who makes this proposal (the model, or the fallback optimizer during a back-off after rejected
    /// answers) and the recent rejection reasons; null for the model as usual.
    /// </summary>
    public ModelTurn? Turn { get; init; }
}
