using System.CommandLine;
using AutoResearch.Host.Operations;
using AutoResearch.Web.Campaigns;

namespace AutoResearch.Cli.Commands;

/// <summary>
/// Steering a running campaign through <see cref="CampaignOperations"/> (the console's path too), queued in the ledger's control
/// queue and applied by the process running it: <c>autoresearch stop-experiment &lt;campaign&gt; &lt;experiment&gt;</c>,
/// <c>autoresearch limits &lt;campaign&gt; [--deadline] [--max-experiments] [--slots]</c>,
/// <c>autoresearch try &lt;campaign&gt; --set name=value... [--agent ID]</c>, <c>autoresearch approve|reject &lt;campaign&gt; &lt;experiment&gt;</c>. Output and exit codes as the control commands.
/// </summary>
public static class SteerCommand
{
    public static IEnumerable<Command> Create(Option<string?> data)
    {
        yield return StopExperiment(data);
        yield return Limits(data);
        yield return Try(data);
        yield return Decide(data, approve: true);
        yield return Decide(data, approve: false);
    }

    /// <summary><c>autoresearch approve|reject &lt;campaign&gt; &lt;experiment&gt;</c>: a person's decision on an experiment awaiting approval.</summary>
    private static Command Decide(Option<string?> data, bool approve)
    {
        var id = Campaign();
        var experiment = new Argument<string>("experiment") { Description = "The number (e.g. 12) or id of an experiment awaiting approval." };
        var (reason, wait, json) = Common();
        var command = approve
            ? new Command("approve", "Approve an experiment awaiting approval (over the campaign's approval: thresholds): it is queued for a sandbox slot and runs.") { id, experiment, reason, wait, json }
            : new Command("reject", "Reject an experiment awaiting approval: it is recorded as rejected by you and never runs; its agent goes on.") { id, experiment, reason, wait, json };
        command.SetAction(async (parse, ct) =>
        {
            using var session = await LedgerSession.OpenAsync(parse.GetValue(data), ct);
            var campaign = parse.GetRequiredValue(id);
            var waitFor = Seconds(parse.GetValue(wait));
            var result = await Operations(session).DecideApprovalAsync(
                new ApprovalOrder(campaign, parse.GetRequiredValue(experiment), approve, parse.GetValue(reason), RequestedBy), waitFor, ct);
            return await ControlCommand.ShowAsync(result, session, campaign, $"experiment {parse.GetRequiredValue(experiment)} of campaign {campaign}", waitFor, parse.GetValue(json), Describe, ct);
        });
        return command;
    }

    private static Command StopExperiment(Option<string?> data)
    {
        var id = Campaign();
        var experiment = new Argument<string>("experiment") { Description = "The experiment's number (e.g. 12) or id." };
        var (reason, wait, json) = Common();
        var command = new Command("stop-experiment", "Stop one queued or running experiment: its sandbox is stopped, it is recorded as stopped by you, its agent goes on.")
            { id, experiment, reason, wait, json };
        command.SetAction(async (parse, ct) =>
        {
            using var session = await LedgerSession.OpenAsync(parse.GetValue(data), ct);
            var campaign = parse.GetRequiredValue(id);
            var waitFor = Seconds(parse.GetValue(wait));
            var result = await Operations(session).StopExperimentAsync(
                new StopExperimentOrder(campaign, parse.GetRequiredValue(experiment), parse.GetValue(reason), RequestedBy), waitFor, ct);
            return await ControlCommand.ShowAsync(result, session, campaign, $"experiment {parse.GetRequiredValue(experiment)} of campaign {campaign}", waitFor, parse.GetValue(json), Describe, ct);
        });
        return command;
    }

    private static Command Limits(Option<string?> data)
    {
        var id = Campaign();
        var deadline = new Option<string?>("--deadline") { Description = $"New deadline, {DeadlineParser.Examples} (local time)." };
        var max = new Option<int?>("--max-experiments") { Description = "New most experiments (at least those already run)." };
        var slots = new Option<int?>("--slots") { Description = "New sandbox slots (1 to the fleet's)." };
        var (reason, wait, json) = Common();
        var command = new Command("limits", "Change the deadline, the most experiments and/or the slots of a running campaign; in force at once.")
            { id, deadline, max, slots, reason, wait, json };
        command.SetAction(async (parse, ct) =>
        {
            var campaign = parse.GetRequiredValue(id);
            DateTimeOffset? at = null;
            if (parse.GetValue(deadline) is { } text)
            {
                at = DeadlineParser.Parse(text, DateTimeOffset.UtcNow, TimeZoneInfo.Local, out var problem);
                if (problem is not null) return await LedgerSession.FailAsync($"--deadline: {problem}.", 2);
            }
            using var session = await LedgerSession.OpenAsync(parse.GetValue(data), ct);
            var waitFor = Seconds(parse.GetValue(wait));
            var result = await Operations(session).SetLimitsAsync(
                new LimitsOrder(campaign, at, parse.GetValue(max), parse.GetValue(slots), parse.GetValue(reason), RequestedBy), waitFor, ct);
            return await ControlCommand.ShowAsync(result, session, campaign, $"campaign {campaign}", waitFor, parse.GetValue(json), Describe, ct);
        });
        return command;
    }

    private static Command Try(Option<string?> data)
    {
        var id = Campaign();
        var set = new Option<string[]>("--set") { Description = "A parameter value, name=value (repeat it, or separate pairs with commas); the others keep their defaults.", AllowMultipleArgumentsPerToken = true };
        var agent = new Option<string?>("--agent") { Description = "The agent whose next proposal it is (default: any agent still proposing)." };
        var (reason, wait, json) = Common();
        var command = new Command("try", "Try this configuration next: queued as an agent's next proposal, recorded with origin 'person'.")
            { id, set, agent, reason, wait, json };
        command.SetAction(async (parse, ct) =>
        {
            var campaign = parse.GetRequiredValue(id);
            var values = ConfigurationBody.ParsePairs(parse.GetValue(set) ?? [], out var bad);
            if (bad.Count > 0) return await LedgerSession.FailAsync($"--set: {string.Join("; ", bad)}.", 2);
            using var session = await LedgerSession.OpenAsync(parse.GetValue(data), ct);
            var waitFor = Seconds(parse.GetValue(wait));
            var result = await Operations(session).TryConfigurationAsync(
                new ConfigurationOrder(campaign, values, parse.GetValue(agent), parse.GetValue(reason), RequestedBy), waitFor, ct);
            return await ControlCommand.ShowAsync(result, session, campaign, $"campaign {campaign}", waitFor, parse.GetValue(json), Describe, ct);
        });
        return command;
    }

    /// <summary>A problem as the option that carries it: <c>--max-experiments: ...</c>, <c>--set x1: ...</c>.</summary>
    private static string Describe(OperationProblem problem) => problem.Field switch
    {
        OperationField.Deadline => $"--deadline: {problem.Message}.",
        OperationField.MaxExperiments => $"--max-experiments: {problem.Message}.",
        OperationField.Slots => $"--slots: {problem.Message}.",
        OperationField.Limits => $"limits: {problem.Message} (--deadline, --max-experiments, --slots).",
        OperationField.Parameters => problem.Key is { } name ? $"--set {name}: {problem.Message}." : $"--set: {problem.Message}.",
        OperationField.Agent => $"--agent: {problem.Message}",
        OperationField.Experiment => $"experiment: {problem.Message}.",
        OperationField.Reason => $"--reason: {problem.Message}.",
        _ => problem.Message,
    };

    private static Argument<string> Campaign() => new("campaign") { Description = "Campaign id (see 'autoresearch status')." };

    private static (Option<string?> Reason, Option<double> Wait, Option<bool> Json) Common() => (
        new Option<string?>("--reason") { Description = "Why (recorded in the journal)." },
        new Option<double>("--wait") { Description = "Seconds to wait for the campaign's host to apply it.", DefaultValueFactory = _ => 15 },
        new Option<bool>("--json") { Description = "Print the request as one JSON object instead of a line." });

    private static CampaignOperations Operations(LedgerSession session) => new(session.Ledger, session.Journal, TimeProvider.System);

    private static TimeSpan Seconds(double seconds) => TimeSpan.FromSeconds(Math.Max(0, seconds));

    private static string RequestedBy => $"cli ({Environment.UserName})";
}
