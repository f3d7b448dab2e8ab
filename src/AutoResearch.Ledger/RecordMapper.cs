using AutoResearch.Abstractions.Parameters;
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
        // A NaN objective is stored as no objective on every database (SQLite cannot hold NaN; PostgreSQL would sort it above every number).
        Objective = x.Objective is double o && double.IsNaN(o) ? null : x.Objective,
        Attempt = x.Attempt,
        CpuSeconds = x.CpuSeconds,
        GpuSeconds = x.GpuSeconds,
        Seed = x.Seed,
        IsBaseline = x.IsBaseline,
        Hypothesis = x.Hypothesis ?? "",
        Diff = x.Diff,
        LogHead = x.LogHead ?? "",
        LogTail = x.LogTail ?? "",
        ParametersJson = StoredParameters(x.Parameters),
        MetricsJson = LedgerJson.Serialize(x.Metrics ?? []),
        EditedFilesJson = LedgerJson.Serialize(x.EditedFiles ?? []),
        Kind = x.Kind.ToString(),
        RepeatOf = x.RepeatOf,
        Verdict = x.Verdict.ToString(),
        Confidence = x.Confidence,
        Margin = x.Margin,
        SlotStartedAt = x.SlotStartedAt,
        SlotEndedAt = x.SlotEndedAt,
        Tokens = x.Tokens,
        NotesJson = LedgerJson.Serialize(x.Notes ?? []),
        ArtifactsTruncated = x.ArtifactsTruncated,
        Origin = x.Origin.ToString(),
        Host = x.Host,
    };

    /// <summary>A record from a full row: the digest's numbers with its text, parameters, metrics, files and notes.</summary>
    public static ExperimentRecord ToRecord(ExperimentRow r) => ToDigest(r) with
    {
        Reason = r.Reason,
        ImageId = r.ImageId,
        ContainerId = r.ContainerId,
        Hypothesis = r.Hypothesis,
        Diff = r.Diff,
        LogHead = r.LogHead,
        LogTail = r.LogTail,
        Parameters = ReadParameters(r.ParametersJson, $"parameters of experiment {r.Id}"),
        Metrics = LedgerJson.Deserialize<List<MetricPoint>>(r.MetricsJson, $"metrics of experiment {r.Id}"),
        EditedFiles = LedgerJson.Deserialize<Dictionary<string, string>>(r.EditedFilesJson, $"edited files of experiment {r.Id}"),
        Notes = LedgerJson.Deserialize<List<string>>(r.NotesJson, $"notes of experiment {r.Id}"),
    };

    /// <summary>A record from a narrow row (no text columns read): its text, parameters, metrics, files and notes are empty.</summary>
    public static ExperimentRecord ToDigest(ExperimentRow r) => new()
    {
        Id = r.Id,
        CampaignId = r.CampaignId,
        AgentId = r.AgentId,
        Sequence = r.Sequence,
        ProposerName = r.ProposerName,
        Parameters = ParameterSet.Empty,
        Status = Enum.Parse<ExperimentStatus>(r.Status),
        Failure = Enum.Parse<FailureKind>(r.Failure),
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
        Kind = Enum.Parse<ExperimentKind>(r.Kind),
        RepeatOf = r.RepeatOf,
        Verdict = Enum.Parse<AcceptanceVerdict>(r.Verdict),
        Confidence = r.Confidence,
        Margin = r.Margin,
        SlotStartedAt = r.SlotStartedAt,
        SlotEndedAt = r.SlotEndedAt,
        Tokens = r.Tokens,
        ArtifactsTruncated = r.ArtifactsTruncated,
        Origin = Enum.Parse<ProposalOrigin>(r.Origin),
        Host = r.Host,
    };

    public static LeaderboardRow ToRow(LeaderboardEntry e) => new()
    {
        Id = $"{e.CampaignId}#{e.Index.ToString(System.Globalization.CultureInfo.InvariantCulture)}",
        CampaignId = e.CampaignId,
        Idx = e.Index,
        ExperimentId = e.ExperimentId,
        Sequence = e.Sequence,
        AgentId = e.AgentId,
        Objective = e.Objective,
        Runs = e.Runs,
        StdDev = e.StdDev,
        Confidence = e.Confidence,
        Margin = e.Margin,
        Reason = e.Grounds is { } g ? (int)g : null,
        AcceptedAt = e.AcceptedAt,
        ParametersJson = StoredParameters(e.Parameters),
        EditedFilesJson = LedgerJson.Serialize(e.EditedFiles ?? []),
    };

    public static LeaderboardEntry ToEntry(LeaderboardRow r) => new()
    {
        CampaignId = r.CampaignId,
        Index = r.Idx,
        ExperimentId = r.ExperimentId,
        Sequence = r.Sequence,
        AgentId = r.AgentId,
        Objective = r.Objective,
        Runs = r.Runs,
        StdDev = r.StdDev,
        Confidence = r.Confidence,
        Margin = r.Margin,
        Grounds = r.Reason is { } g ? (AcceptanceReason)g : null,
        AcceptedAt = r.AcceptedAt,
        Parameters = ReadParameters(r.ParametersJson, $"parameters of leaderboard entry {r.Id}"),
        EditedFiles = LedgerJson.Deserialize<Dictionary<string, string>>(r.EditedFilesJson, $"edited files of leaderboard entry {r.Id}"),
    };

    public static ModelCallRow ToRow(ModelCallRecord c) => new()
    {
        Id = c.Id,
        CampaignId = c.CampaignId,
        AgentId = c.AgentId,
        ExperimentId = c.ExperimentId,
        Provider = c.Provider,
        Model = c.Model,
        Purpose = c.Purpose,
        PromptTokens = c.PromptTokens,
        CompletionTokens = c.CompletionTokens,
        LatencyMs = c.LatencyMs,
        Outcome = c.Outcome,
        Error = c.Error,
        At = c.At,
    };

    public static ModelCallRecord ToRecord(ModelCallRow r) => new()
    {
        Id = r.Id,
        CampaignId = r.CampaignId,
        AgentId = r.AgentId,
        ExperimentId = r.ExperimentId,
        Provider = r.Provider,
        Model = r.Model,
        Purpose = r.Purpose,
        PromptTokens = r.PromptTokens,
        CompletionTokens = r.CompletionTokens,
        LatencyMs = r.LatencyMs,
        Outcome = r.Outcome,
        Error = r.Error,
        At = r.At,
    };

    public static ControlRow ToRow(ControlRequest c) => new()
    {
        CampaignId = c.CampaignId,
        AgentId = c.AgentId,
        Action = c.Action.ToString(),
        BudgetTokens = c.Budget?.Tokens,
        BudgetGpuSeconds = c.Budget?.GpuSeconds,
        BudgetCpuSeconds = c.Budget?.CpuSeconds,
        Reason = c.Reason,
        RequestedBy = c.RequestedBy,
        RequestedAt = c.RequestedAt,
        AppliedAt = c.AppliedAt,
        Outcome = c.Outcome,
        OutcomeKind = c.OutcomeKind?.ToString(),
        ExperimentSequence = c.ExperimentSequence,
        LimitDeadline = c.Limits?.Deadline,
        LimitMaxExperiments = c.Limits?.MaxExperiments,
        LimitSlots = c.Limits?.Slots,
        ParametersJson = c.Parameters is null ? null : StoredParameters(c.Parameters),
    };

    public static ControlRequest ToRecord(ControlRow r) => new()
    {
        Id = r.Id,
        CampaignId = r.CampaignId,
        AgentId = r.AgentId,
        Action = Enum.Parse<ControlAction>(r.Action),
        Budget = r.BudgetTokens is null && r.BudgetGpuSeconds is null && r.BudgetCpuSeconds is null
            ? null
            : new BudgetChange { Tokens = r.BudgetTokens, GpuSeconds = r.BudgetGpuSeconds, CpuSeconds = r.BudgetCpuSeconds },
        Reason = r.Reason,
        RequestedBy = r.RequestedBy,
        RequestedAt = r.RequestedAt,
        AppliedAt = r.AppliedAt,
        Outcome = r.Outcome,
        OutcomeKind = r.OutcomeKind is null ? null : Enum.Parse<ControlOutcomeKind>(r.OutcomeKind),
        ExperimentSequence = r.ExperimentSequence,
        Limits = r.LimitDeadline is null && r.LimitMaxExperiments is null && r.LimitSlots is null
            ? null
            : new LimitsChange { Deadline = r.LimitDeadline, MaxExperiments = r.LimitMaxExperiments, Slots = r.LimitSlots },
        Parameters = r.ParametersJson is null ? null : ReadParameters(r.ParametersJson, $"parameters of control {r.Id}"),
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

    /// <summary>
    /// Parameters as the ledger stores them: a JSON object of name → canonical text (the format every ledger version has
    /// written, so rows written before the typed values read unchanged).
    /// </summary>
    public static string StoredParameters(ParameterSet? parameters) => LedgerJson.Serialize((parameters ?? ParameterSet.Empty).ToText());

    /// <summary>The stored JSON object of name → text read back as typed values (the ledger's parsing edge).</summary>
    public static ParameterSet ReadParameters(string json, string what) =>
        ParameterSet.FromStored(LedgerJson.Deserialize<Dictionary<string, string>>(json, what));
}
