using System.CommandLine;
using System.Globalization;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Ports;
using AutoResearch.Abstractions.Specs;
using AutoResearch.Host.Operations;

namespace AutoResearch.Cli.Commands;

/// <summary>
/// <c>autoresearch pause|resume|stop|budget &lt;campaign&gt; [--agent ID]</c>: queues a control request in the ledger, where the
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
        var command = new Command(name, help) { id, agent, reason, wait };
        Option<long?>? tokens = null;
        Option<double?>? cpu = null, gpu = null;
        if (action == ControlAction.SetBudget)
        {
            tokens = new Option<long?>("--tokens") { Description = "Model tokens." };
            cpu = new Option<double?>("--cpu-seconds") { Description = "CPU-seconds (CPUs × wall time of runs)." };
            gpu = new Option<double?>("--gpu-seconds") { Description = "GPU-seconds (GPUs × wall time of runs)." };
            command.Add(tokens);
            command.Add(cpu);
            command.Add(gpu);
        }
        command.SetAction((parse, cancellationToken) =>
        {
            var budget = action == ControlAction.SetBudget
                ? new BudgetChange { Tokens = parse.GetValue(tokens!), CpuSeconds = parse.GetValue(cpu!), GpuSeconds = parse.GetValue(gpu!) }
                : null;
            return ExecuteAsync(action, parse.GetRequiredValue(id), parse.GetValue(agent), parse.GetValue(reason), budget,
                TimeSpan.FromSeconds(Math.Max(0, parse.GetValue(wait))), parse.GetValue(data), cancellationToken);
        });
        return command;
    }

    public static async Task<int> ExecuteAsync(
        ControlAction action, string id, string? agentId, string? reason, BudgetChange? budget, TimeSpan wait, string? dataDirectory, CancellationToken cancellationToken)
    {
        if (action == ControlAction.SetBudget && ControlRules.WhyNotBudget(budget) is { } badBudget)
            return await LedgerSession.FailAsync($"budget: {badBudget} (--tokens, --cpu-seconds, --gpu-seconds).", 2);

        using var session = await LedgerSession.OpenAsync(dataDirectory, cancellationToken);
        var ledger = session.Ledger;
        var campaign = await session.FindCampaignAsync(id, cancellationToken);
        if (campaign is null)
            return 2;
        if (ControlRules.WhyNotControllable(campaign, agentId) is { } refused)
            return await LedgerSession.FailAsync(refused, 2);

        var current = await ControlQueue.EnqueueAndWaitAsync(ledger, new ControlRequest
        {
            CampaignId = id,
            AgentId = agentId,
            Action = action,
            Budget = budget,
            Reason = reason ?? "",
            RequestedBy = $"cli ({Environment.UserName})",
            RequestedAt = DateTimeOffset.UtcNow,
        }, wait, cancellationToken);
        if (current.AppliedAt is not null)
        {
            var refusedByHost = ControlRules.IsRefused(current);
            await (refusedByHost ? Console.Error : Console.Out).WriteLineAsync($"{Target(id, agentId)}: {current.Outcome}");
            return refusedByHost ? 1 : 0;
        }
        var seconds = wait.TotalSeconds.ToString("F0", CultureInfo.InvariantCulture);
        await Console.Out.WriteLineAsync(
            $"{Target(id, agentId)}: request #{current.Id} queued; no running host applied it within {seconds} s. " +
            "It is applied when the campaign runs again ('autoresearch run' with its campaign file resumes it).");
        return 3;
    }

    private static string Target(string id, string? agentId) => agentId is null ? $"campaign {id}" : $"agent {agentId} of campaign {id}";

}
