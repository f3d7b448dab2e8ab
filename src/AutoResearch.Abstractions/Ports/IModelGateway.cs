using AutoResearch.Abstractions.Models;

namespace AutoResearch.Abstractions.Ports;

/// <summary>
/// Language models an agent can reach: configured endpoints (OpenAI, Azure OpenAI, any OpenAI-compatible server), with
/// retries, failover down the request's endpoint list and every call metered in the ledger. Keys never pass through here.
/// </summary>
public interface IModelGateway
{
    /// <summary>Names of the configured endpoints.</summary>
    IReadOnlyCollection<string> Endpoints { get; }

    /// <summary>Why <paramref name="endpoint"/> cannot be used (not configured, its key variable unset…); null when it can.</summary>
    string? WhyNotUsable(string endpoint);

    /// <summary>The endpoints' health as one line each, e.g. <c>gpt-a: down since 02:14 (HTTP 500 ×4)</c>; empty while all are well.</summary>
    IReadOnlyList<string> Outages { get; }

    /// <summary>Asks the request's endpoints in order until one answers.</summary>
    /// <exception cref="ModelBudgetExceededException">The estimate exceeds <see cref="ModelRequest.TokenAllowance"/>; nothing was sent.</exception>
    /// <exception cref="ModelsUnavailableException">Every endpoint failed after its retries.</exception>
    Task<ModelReply> CompleteAsync(ModelRequest request, CancellationToken cancellationToken);
}
