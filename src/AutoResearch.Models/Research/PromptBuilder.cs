using System.Globalization;
using System.Text;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Journal;
using AutoResearch.Abstractions.Models;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Models.Research;

/// <summary>
/// Builds the messages of a proposal request: the rules and answer format (system), then the task (program.md), the metric
/// and parameters, the current best and its code, recent experiments, the journal (the agent's own notes marked) and the
/// budget left. Old journal entries and experiments are dropped first when the prompt would not fit the context window.
/// </summary>
public static class PromptBuilder
{
    public static string SystemPrompt(string agentId, string role) =>
        $"""
        You are {agentId}, a research agent ({role}) in an automated research campaign. You improve a benchmark's metric
        by proposing one experiment at a time: a hypothesis, and changes to parameters and/or to the editable files.
        Every experiment runs in a sandbox with no network; only the editable files may change; the scoring code is fixed.
        Prefer small, testable changes that build on the current best; learn from the journal and the failures.

        Answer in exactly this form, nothing else:
        ```json
        {"{"}"hypothesis": "one sentence", "rationale": "why it should help", "expected_effect": "what you expect the metric to do", "parameters": {"{"}"name": value{"}"}{"}"}
        ```
        then, only if you change code, one or more search/replace blocks, each:
        path/of/editable/file
        <<<<<<< SEARCH
        exact lines copied from the current file
        =======
        the new lines
        >>>>>>> REPLACE
        "parameters" lists only the parameters you change (others keep the current best's values). Each SEARCH part must
        match the current file exactly once. Do not edit any file that is not listed as editable.
        """;

    /// <summary>The user message, trimmed to <paramref name="maxTokens"/> by dropping the oldest journal entries and experiments first.</summary>
    public static string UserPrompt(
        PromptFacts facts, IReadOnlyList<ExperimentRecord> experiments, IReadOnlyList<JournalEntry> journal, IReadOnlyList<JournalEntry> ownNotes, long maxTokens)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var history = experiments.ToList();
        var entries = journal.Where(j => !ownNotes.Contains(j)).ToList();
        var notes = ownNotes.ToList();
        while (true)
        {
            var text = Render(facts, history, entries, notes);
            if (TokenEstimator.Estimate(text) <= maxTokens || (entries.Count == 0 && history.Count == 0 && notes.Count == 0)) return text;
            // Oldest first, journal and experiments in turn; the agent's own notes go last.
            if (entries.Count > 0 && (entries.Count >= history.Count || history.Count == 0)) entries.RemoveAt(0);
            else if (history.Count > 0) history.RemoveAt(0);
            else notes.RemoveAt(0);
        }
    }

    private static string Render(PromptFacts facts, IReadOnlyList<ExperimentRecord> experiments, IReadOnlyList<JournalEntry> journal, IReadOnlyList<JournalEntry> ownNotes)
    {
        var (benchmark, task, currentFiles, bestParameters, best, agentId, budgetLeft) =
            (facts.Benchmark, facts.Task, facts.CurrentFiles, facts.BestParameters, facts.Best, facts.AgentId, facts.BudgetLeft);
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(c, $"# Benchmark: {benchmark.Name}");
        sb.AppendLine(c, $"Metric: {benchmark.Metric.Name}, to {(benchmark.Metric.Direction == Direction.Minimize ? "minimize" : "maximize")}. Time limit per run: {benchmark.TimeLimit.TotalSeconds:F0} s.");
        if (task is { Length: > 0 })
        {
            sb.AppendLine().AppendLine("## Task").AppendLine(task.Trim());
        }

        sb.AppendLine().AppendLine("## Parameters (name: type, range, current best value)");
        if (benchmark.Parameters.Count == 0) sb.AppendLine("(none)");
        foreach (var p in benchmark.Parameters)
        {
            var range = p.Type == ParameterType.Choice ? "one of " + string.Join(", ", p.Choices) : $"{p.Min?.ToString(c)} to {p.Max?.ToString(c)}{(p.Log ? ", log scale" : "")}";
            sb.AppendLine(c, $"- {p.Name}: {p.Type.ToString().ToLowerInvariant()}, {range}, current {bestParameters.GetValueOrDefault(p.Name, p.Default)}");
        }

        sb.AppendLine().AppendLine("## Current best");
        sb.AppendLine(best is null
            ? "No accepted best yet: the files below are the baseline."
            : string.Create(c, $"Experiment #{best.Sequence} by {best.AgentId}: {benchmark.Metric.Name} = {best.Objective:G6} over {best.Runs} run(s){(best.Confidence is { } conf ? $", confidence {conf:P0}" : "")}."));

        sb.AppendLine().AppendLine(c, $"## Editable files (current best code): {string.Join(", ", benchmark.Editable)}");
        foreach (var path in benchmark.Editable)
        {
            if (!currentFiles.TryGetValue(path, out var content)) continue;
            sb.AppendLine(c, $"### {path}").AppendLine("```").Append(content);
            if (!content.EndsWith('\n')) sb.AppendLine();
            sb.AppendLine("```");
        }

        sb.AppendLine().AppendLine("## Recent experiments (oldest first)");
        if (experiments.Count == 0) sb.AppendLine("(none yet)");
        foreach (var e in experiments)
        {
            var outcome = e.Status switch
            {
                ExperimentStatus.Succeeded => string.Create(c, $"{benchmark.Metric.Name}={e.Objective:G6}"),
                ExperimentStatus.Pruned => string.Create(c, $"stopped early at {e.Objective:G6}"),
                _ => $"failed: {Short(e.Reason, 160)}",
            };
            var changed = e.Parameters.Where(kv => bestParameters.GetValueOrDefault(kv.Key) != kv.Value).Select(kv => $"{kv.Key}={kv.Value}");
            sb.AppendLine(c, $"- #{e.Sequence} {e.AgentId} ({e.ProposerName}){(e.EditedFiles.Count > 0 ? " [code edited]" : "")}: {outcome}; {Short(e.Hypothesis, 160)}; params {string.Join(" ", changed)}");
        }

        sb.AppendLine().AppendLine("## Shared journal (all agents, newest last)");
        if (journal.Count == 0) sb.AppendLine("(empty)");
        foreach (var j in journal)
            sb.AppendLine(c, $"- [{j.At:HH:mm}] {(j.Author == agentId ? "YOU" : j.Author)} ({j.Kind.ToString().ToLowerInvariant()}): {Short(j.Text, 400)}");

        sb.AppendLine().AppendLine(c, $"## Your own notes ({agentId}, newest last)");
        if (ownNotes.Count == 0) sb.AppendLine("(none yet)");
        foreach (var j in ownNotes)
            sb.AppendLine(c, $"- [{j.At:HH:mm}] {Short(j.Text, 600)}");

        sb.AppendLine().AppendLine(c, $"## Your budget left: {budgetLeft}");
        sb.AppendLine().AppendLine("Propose the next experiment.");
        return sb.ToString();
    }

    /// <summary>The reflection request: what was tried and what came of it.</summary>
    public static IReadOnlyList<ModelMessage> Reflection(BenchmarkSpec benchmark, ExperimentRecord e, ExperimentRecord? bestBefore, string? rationale, string agentId)
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(c, $"Experiment #{e.Sequence} on {benchmark.Name} ({benchmark.Metric.Name}, {(benchmark.Metric.Direction == Direction.Minimize ? "lower" : "higher")} is better).");
        sb.AppendLine(c, $"Hypothesis: {e.Hypothesis}");
        if (rationale is { Length: > 0 }) sb.AppendLine(c, $"Rationale: {rationale}");
        sb.AppendLine(c, $"Parameters: {string.Join(", ", e.Parameters.Select(kv => $"{kv.Key}={kv.Value}"))}");
        if (e.Diff is { Length: > 0 } diff) sb.AppendLine("Code change against the baseline:").AppendLine("```diff").AppendLine(Short(diff, 4000)).AppendLine("```");
        sb.AppendLine(e.Status switch
        {
            ExperimentStatus.Succeeded => string.Create(c, $"Result: {benchmark.Metric.Name} = {e.Objective:G6}"),
            ExperimentStatus.Pruned => string.Create(c, $"Result: stopped early as hopeless at {e.Objective:G6}"),
            _ => $"Result: failed ({e.Failure}): {Short(e.Reason, 400)}\nLog tail:\n{Short(e.LogTail, 1500)}",
        });
        sb.AppendLine(bestBefore?.Objective is { } b ? string.Create(c, $"Best before it: {b:G6} (#{bestBefore.Sequence}).") : "There was no best before it.");
        sb.AppendLine("In at most five sentences of plain text: what did we learn, and what should be tried next?");
        return
        [
            new ModelMessage(ModelRole.System, $"You are {agentId}, a research agent writing a short, factual note in a shared research journal. Do not invent results."),
            new ModelMessage(ModelRole.User, sb.ToString()),
        ];
    }

    private static string Short(string? text, int max)
    {
        var t = (text ?? "").Trim();
        return t.Length <= max ? t : t[..max] + "…";
    }
}
