using AutoResearch.Abstractions.Parameters;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Ports;

namespace AutoResearch.Proposers;

/// <summary>
/// What the built-in strategies share: a synchronous <see cref="Propose"/> behind <see cref="IProposer.ProposeAsync"/>
/// (proposers keep no state and do no I/O), and proposals recorded under the strategy's name.
/// </summary>
public abstract class ProposerBase : IProposer
{
    private protected ProposerBase(string name) => Name = name;

    public string Name { get; }

    public Task<Proposal> ProposeAsync(ProposalContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Propose(context));
    }

    internal abstract Proposal Propose(ProposalContext context);

    /// <summary>A proposal recorded under this strategy's name.</summary>
    private protected Proposal Make(ParameterSet parameters, string hypothesis) =>
        new() { Parameters = parameters, Hypothesis = hypothesis, ProposerName = Name };
}
