using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Journal;
using AutoResearch.Abstractions.Specs;
using AutoResearch.Ledger.Storage;

namespace AutoResearch.Ledger;

/// <summary>Converts between the abstractions' records and the ledger's rows.</summary>
internal static class RecordMapper
{
    public static CampaignRow ToRow(CampaignRecord c) => new()
    {
        Id = c.Id,
        Name = c.Name,
        State = c.State.ToString(),
        CreatedAt = c.CreatedAt,
        StartedAt = c.StartedAt,
        EndedAt = c.EndedAt,
        Deadline = c.Deadline,
        Reason = c.Reason,
        SpecJson = LedgerJson.Serialize(c.Spec),
    };

    public static CampaignRecord ToRecord(CampaignRow r) => new()
    {
        Id = r.Id,
        Name = r.Name,
        State = Enum.Parse<CampaignState>(r.State),
        CreatedAt = r.CreatedAt,
        StartedAt = r.StartedAt,
        EndedAt = r.EndedAt,
        Deadline = r.Deadline,
        Reason = r.Reason,
        Spec = LedgerJson.Deserialize<CampaignSpec>(r.SpecJson, $"spec of campaign {r.Id}"),
    };

    public static ExperimentRow ToRow(ExperimentRecord x) => new()
    {
        Id = x.Id,
        CampaignId = x.CampaignId,
        AgentId = x.AgentId,
        Sequence = x.Sequence,
        ProposerName = x.ProposerName,
        Status = x.Status.ToString(),
        Failure = x.Failure.ToString(),
        Reason = x.Reason,
        ImageId = x.ImageId,
        ContainerId = x.ContainerId,
        ExitCode = x.ExitCode,
        QueuedAt = x.QueuedAt,
        StartedAt = x.StartedAt,
        EndedAt = x.EndedAt,
        Objective = x.Objective,
        Attempt = x.Attempt,
        CpuSeconds = x.CpuSeconds,
        GpuSeconds = x.GpuSeconds,
        Seed = x.Seed,
        IsBaseline = x.IsBaseline,
        Hypothesis = x.Hypothesis ?? "",
        Diff = x.Diff,
        LogHead = x.LogHead ?? "",
        LogTail = x.LogTail ?? "",
        ParametersJson = LedgerJson.Serialize(x.Parameters ?? []),
        MetricsJson = LedgerJson.Serialize(x.Metrics ?? []),
        EditedFilesJson = LedgerJson.Serialize(x.EditedFiles ?? []),
    };

    public static ExperimentRecord ToRecord(ExperimentRow r) => new()
    {
        Id = r.Id,
        CampaignId = r.CampaignId,
        AgentId = r.AgentId,
        Sequence = r.Sequence,
        ProposerName = r.ProposerName,
        Status = Enum.Parse<ExperimentStatus>(r.Status),
        Failure = Enum.Parse<FailureKind>(r.Failure),
        Reason = r.Reason,
        ImageId = r.ImageId,
        ContainerId = r.ContainerId,
        ExitCode = r.ExitCode,
        QueuedAt = r.QueuedAt,
        StartedAt = r.StartedAt,
        EndedAt = r.EndedAt,
        Objective = r.Objective,
        Attempt = r.Attempt,
        CpuSeconds = r.CpuSeconds,
        GpuSeconds = r.GpuSeconds,
        Seed = r.Seed,
        IsBaseline = r.IsBaseline,
        Hypothesis = r.Hypothesis,
        Diff = r.Diff,
        LogHead = r.LogHead,
        LogTail = r.LogTail,
        Parameters = LedgerJson.Deserialize<Dictionary<string, string>>(r.ParametersJson, $"parameters of experiment {r.Id}"),
        Metrics = LedgerJson.Deserialize<List<MetricPoint>>(r.MetricsJson, $"metrics of experiment {r.Id}"),
        EditedFiles = LedgerJson.Deserialize<Dictionary<string, string>>(r.EditedFilesJson, $"edited files of experiment {r.Id}"),
    };

    public static JournalRow ToRow(JournalEntry e) => new()
    {
        CampaignId = e.CampaignId,
        Author = e.Author,
        Kind = e.Kind.ToString(),
        Text = e.Text,
        ExperimentId = e.ExperimentId,
        At = e.At,
    };

    public static JournalEntry ToEntry(JournalRow r) => new()
    {
        Id = r.Id,
        CampaignId = r.CampaignId,
        Author = r.Author,
        Kind = Enum.Parse<JournalEntryKind>(r.Kind),
        Text = r.Text,
        ExperimentId = r.ExperimentId,
        At = r.At,
    };
}
