using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Ports;
using AutoResearch.Abstractions.Specs;
using AutoResearch.Host.Operations;

namespace AutoResearch.Cli.Commands;

/// <summary>
/// <c>autoresearch pause|resume|stop|budget &lt;campaign&gt; [--agent ID]</c> (<c>budget ... --top-up</c> adds to the limits in
/// force): queues a control request in the ledger through <see cref="CampaignOperations"/> (the console's path too), where the
/// process running the campaign picks it up within a second or two, and waits for it to be applied.
/// </summary>
public static class ControlCommand
{
    public static Command Create(ControlAction action, Option<string?> data)
    {
        var (name, help) = action switch
        {
            ControlAction.Pause => ("pause", "Pause a campaign or one agent: running experiments finish, nothing new starts."),
            ControlAction.Resume => ("resume", "Resume a paused campaign or agent."),
            ControlAction.Stop => ("stop", "Stop a campaign or one agent for good; everything recorded stays."),
            _ => ("budget", "Raise or lower the budget of a campaign or one agent while it runs (0 removes a limit)."),
        };
        var id = new Argument<string>("campaign") { Description = "Campaign id (see 'autoresearch status')." };
        var agent = new Option<string?>("--agent") { Description = "Apply to this agent only." };
        var reason = new Option<string?>("--reason") { Description = "Why (recorded in the journal)." };
        var wait = new Option<double>("--wait") { Description = "Seconds to wait for the campaign's host to apply it.", DefaultValueFactory = _ => 15 };
        var json = new Option<bool>("--json") { Description = "Print the request as one JSON object (id, action, agent, status, outcome, budget) instead of a line." };
        var command = new Command(name, help) { id, agent, reason, wait, json };
        Option<long?>? tokens = null;
        Option<double?>? cpu = null, gpu = null;
        Option<bool>? topUp = null;
        if (action == ControlAction.SetBudget)
        {
            tokens = new Option<long?>("--tokens") { Description = "Model tokens." };
            cpu = new Option<double?>("--cpu-seconds") { Description = "CPU-seconds (CPUs × wall time of runs)." };
            gpu = new Option<double?>("--gpu-seconds") { Description = "GPU-seconds (GPUs × wall time of runs)." };
            command.Add(tokens);
            command.Add(cpu);
            command.Add(gpu);
            topUp = new Option<bool>("--top-up") { Description = "Add the given amounts to the limits in force instead of setting them." };
            command.Add(topUp);
        }
        command.SetAction((parse, cancellationToken) =>
        {
            var budget = action == ControlAction.SetBudget
                ? new BudgetChange { Tokens = parse.GetValue(tokens!), CpuSeconds = parse.GetValue(cpu!), GpuSeconds = parse.GetValue(gpu!) }
                : null;
            return ExecuteAsync(action, parse.GetRequiredValue(id), parse.GetValue(agent), parse.GetValue(reason), budget, topUp is not null && parse.GetValue(topUp),
                TimeSpan.FromSeconds(Math.Max(0, parse.GetValue(wait))), parse.GetValue(json), parse.GetValue(data), cancellationToken);
        });
        return command;
    }

    public static async Task<int> ExecuteAsync(
        ControlAction action, string id, string? agentId, string? reason, BudgetChange? budget, bool topUp, TimeSpan wait, bool json, string? dataDirectory,
        CancellationToken cancellationToken)
    {
        if (action == ControlAction.SetBudget && ControlRules.WhyNotBudget(budget) is { } badBudget)
            return await LedgerSession.FailAsync($"budget: {badBudget} (--tokens, --cpu-seconds, --gpu-seconds).", 2);

        using var session = await LedgerSession.OpenAsync(dataDirectory, cancellationToken);
        var operations = new CampaignOperations(session.Ledger, session.Journal, TimeProvider.System);
        var result = await operations.ControlAsync(
            new ControlOrder(id, action, agentId, budget, topUp, reason, $"cli ({Environment.UserName})"), wait, cancellationToken);
        return await ShowAsync(result, session, id, Target(id, agentId), wait, json, problem => problem.Field switch
        {
            OperationField.Budget => $"budget: {problem.Message} (--tokens, --cpu-seconds, --gpu-seconds{(topUp ? " with --top-up" : "")}).",
            OperationField.Reason => $"--reason: {problem.Message}.",
            _ => problem.Message,
        }, cancellationToken);
    }

    /// <summary>
    /// Shows what became of a queued control request (a line, or one JSON object): exit 0 applied or nothing to do, 1 refused by
    /// the campaign, 2 bad input (every problem, each named by <paramref name="describe"/>) or no such campaign, 3 still queued.
    /// </summary>
    internal static async Task<int> ShowAsync(
        OperationResult<ControlReply> result, LedgerSession session, string id, string target, TimeSpan wait, bool json, Func<OperationProblem, string> describe,
        CancellationToken cancellationToken)
    {
        switch (result.Failure)
        {
            case OperationFailure.NotFound:
                await session.FindCampaignAsync(id, cancellationToken); // says it is missing and how to list campaigns
                return 2;
            case OperationFailure.Conflict:
                return await LedgerSession.FailAsync(result.Conflict!, 2);
            case OperationFailure.Invalid:
                return await LedgerSession.FailAsync(string.Join(Environment.NewLine, result.Problems!.Select(describe)), 2);
        }

        var reply = result.Value!;
        var current = reply.Request;
        var exit = reply.State switch { ControlReplyState.Queued => 3, ControlReplyState.Refused => 1, _ => 0 };
        if (json)
        {
            await Console.Out.WriteLineAsync(JsonSerializer.Serialize(new
            {
                id = current.Id,
                campaign = current.CampaignId,
                action = current.Action.ToString(),
                agent = current.AgentId,
                experiment = current.ExperimentSequence,
                status = reply.State.ToString(),
                outcome = current.Outcome,
                budget = current.Budget is { } b ? new { tokens = b.Tokens, cpu_seconds = b.CpuSeconds, gpu_seconds = b.GpuSeconds } : null,
                limits = current.Limits is { } l ? new { deadline = l.Deadline, max_experiments = l.MaxExperiments, slots = l.Slots } : null,
                parameters = current.Parameters,
            }));
            return exit;
        }
        if (reply.State != ControlReplyState.Queued)
        {
            var refusedByHost = reply.State == ControlReplyState.Refused;
            await (refusedByHost ? Console.Error : Console.Out).WriteLineAsync($"{target}: {current.Outcome}");
            return refusedByHost ? 1 : 0;
        }
        var seconds = wait.TotalSeconds.ToString("F0", CultureInfo.InvariantCulture);
        await Console.Out.WriteLineAsync(
            $"{target}: request #{current.Id} queued; no running host applied it within {seconds} s. " +
            "It is applied when the campaign runs again ('autoresearch run' with its campaign file resumes it).");
        return 3;
    }

    private static string Target(string id, string? agentId) => agentId is null ? $"campaign {id}" : $"agent {agentId} of campaign {id}";

}
