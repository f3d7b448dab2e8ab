namespace AutoResearch.Web.Campaigns;

/// <summary>An agent role the new-campaign form offers: its proposer, model and default budgets.</summary>
public sealed record CatalogRole(
    string Name,
    string Description,
    string Proposer,
    string? Model,
    IReadOnlyList<string> Failover,
    long TokenBudget,
    double CpuBudgetSeconds,
    double GpuBudgetSeconds,
    bool UsesModel);
