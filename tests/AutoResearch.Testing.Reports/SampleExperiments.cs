using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Testing.Reports;

/// <summary>
/// Experiment records of the digits-MLP sample campaigns: parameters <c>lr</c>, <c>hidden</c>, <c>activation</c> at their
/// defaults unless changed, times in minutes from the campaign start, CPU-seconds from the run's length, one image id.
/// </summary>
public static class SampleExperiments
{
    public const string ImageId = "sha256:0123456789abcdef";

    /// <summary>The digits-MLP benchmark the sample experiments ran: <c>lr</c> (log), <c>hidden</c>, <c>activation</c>; 10 min limit.</summary>
    public static BenchmarkSpec Benchmark(Direction direction = Direction.Minimize, string metric = "val_loss") => new()
    {
        Name = "digits-mlp",
        Directory = "/srv/benchmarks/digits-mlp",
        Image = "autoresearch/digits-mlp:latest",
        Command = ["python", "train.py"],
        Files = ["train.py"],
        Editable = ["train.py"],
        Parameters =
        [
            new ParameterSpec { Name = "lr", Type = ParameterType.Float, Min = 1e-4, Max = 1, Log = true, Default = "0.01" },
            new ParameterSpec { Name = "hidden", Type = ParameterType.Int, Min = 16, Max = 512, Default = "64" },
            new ParameterSpec { Name = "activation", Type = ParameterType.Choice, Choices = ["relu", "gelu", "tanh"], Default = "relu" },
        ],
        Metric = new MetricSpec { Name = metric, Direction = direction },
        TimeLimit = TimeSpan.FromMinutes(10),
    };

    /// <param name="baseline">Marks the baseline without changing <paramref name="kind"/> (ledgers from before experiment kinds).</param>
    /// <param name="slotTimes">Record the sandbox slot as held exactly while the run ran.</param>
    public static ExperimentRecord Create(
        string campaignId,
        DateTimeOffset start,
        int seq,
        string agent,
        string proposer,
        double? objective,
        double startMin,
        double endMin,
        Dictionary<string, string>? changes = null,
        FailureKind failure = FailureKind.None,
        string? reason = null,
        ExperimentStatus? status = null,
        ExperimentKind kind = ExperimentKind.Proposal,
        bool baseline = false,
        string? repeatOf = null,
        AcceptanceVerdict verdict = AcceptanceVerdict.NotJudged,
        double? confidence = null,
        long tokens = 0,
        string hypothesis = "",
        string? diff = null,
        double gpuSeconds = 0,
        bool slotTimes = false)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal) { ["lr"] = "0.01", ["hidden"] = "64", ["activation"] = "relu" };
        foreach (var (k, v) in changes ?? [])
        {
            parameters[k] = v;
        }

        var ran = failure != FailureKind.Rejected;
        return new ExperimentRecord
        {
            Id = $"{campaignId}/{agent}/{seq:0000}",
            CampaignId = campaignId,
            AgentId = agent,
            Sequence = seq,
            ProposerName = proposer,
            Parameters = AutoResearch.Abstractions.Parameters.ParameterSet.FromStored(parameters),
            Diff = diff,
            EditedFiles = diff is null ? [] : new Dictionary<string, string> { ["train.py"] = "# edited\n" },
            Hypothesis = hypothesis,
            IsBaseline = baseline || kind == ExperimentKind.Baseline,
            Kind = kind,
            RepeatOf = repeatOf,
            Status = status ?? (failure == FailureKind.None ? ExperimentStatus.Succeeded : ExperimentStatus.Failed),
            Failure = failure,
            Reason = reason,
            Verdict = verdict,
            Confidence = confidence,
            Margin = confidence is null ? null : 0.023,
            ImageId = ran ? ImageId : null,
            QueuedAt = start.AddMinutes(startMin - 0.5),
            StartedAt = ran ? start.AddMinutes(startMin) : null,
            EndedAt = ran ? start.AddMinutes(endMin) : null,
            SlotStartedAt = ran && slotTimes ? start.AddMinutes(startMin) : null,
            SlotEndedAt = ran && slotTimes ? start.AddMinutes(endMin) : null,
            Objective = objective,
            Attempt = 1,
            CpuSeconds = ran ? (endMin - startMin) * 60 : 0,
            GpuSeconds = gpuSeconds,
            Tokens = tokens,
            Seed = 1000 + seq,
        };
    }
}
