using System.CommandLine;
using System.Globalization;
using AutoResearch.Host.Operations;

namespace AutoResearch.Cli.Commands;

/// <summary>
/// <c>autoresearch quota [show]</c> and <c>autoresearch quota set [--gpu-hours] [--cpu-hours] [--tokens]</c>: the lab's quota
/// (one lab per server and ledger) through <see cref="CampaignOperations"/>, the console's path too. A change is written to the
/// console's audit log as made by <c>cli:&lt;login&gt;</c>. Exit codes: 0 done, 2 bad input.
/// </summary>
public static class QuotaCommand
{
    public static Command Create(Option<string?> data)
    {
        var json = new Option<bool>("--json") { Description = "Print the quota as JSON." };
        var show = new Command("show", "The lab's quota, what its campaigns used and what is left.") { json };
        show.SetAction(async (parse, ct) =>
        {
            using var session = await LedgerSession.OpenAsync(parse.GetValue(data), ct);
            await WriteAsync(await Operations(session).GetQuotaAsync(ct), parse.GetValue(json));
            return 0;
        });

        var gpu = new Option<double?>("--gpu-hours") { Description = "GPU-hours for all the lab's campaigns (0: no limit)." };
        var cpu = new Option<double?>("--cpu-hours") { Description = "CPU-hours for all the lab's campaigns (0: no limit)." };
        var tokens = new Option<double?>("--tokens") { Description = "Model tokens for all the lab's campaigns (0: no limit)." };
        var setJson = new Option<bool>("--json") { Description = "Print the quota as JSON." };
        var set = new Command("set", "Set the lab's quota (an admin's task): values left out stay as they are; 0 removes a limit.") { gpu, cpu, tokens, setJson };
        set.SetAction(async (parse, ct) =>
        {
            using var session = await LedgerSession.OpenAsync(parse.GetValue(data), ct);
            var order = new QuotaOrder(parse.GetValue(gpu), parse.GetValue(cpu), parse.GetValue(tokens), TokenCommand.Actor);
            var result = await Operations(session).SetQuotaAsync(order, ct);
            if (!result.Ok)
            {
                var options = new Dictionary<string, string> { ["GpuHours"] = "--gpu-hours", ["CpuHours"] = "--cpu-hours", ["Tokens"] = "--tokens" };
                return await LedgerSession.FailAsync(string.Join(Environment.NewLine, result.Problems!.Select(p =>
                    $"quota set: {(p.Key is { } key ? options.GetValueOrDefault(key, key) + ": " : "")}{p.Message}.")));
            }
            var (_, audit) = TokenCommand.Stores(parse.GetValue(data));
            var q = result.Value!;
            TokenCommand.Audit(audit, "quota.set", string.Create(CultureInfo.InvariantCulture, $"quota GPU-hours {q.GpuHours:0.##}, CPU-hours {q.CpuHours:0.##}, tokens {q.Tokens}"));
            await WriteAsync(q, parse.GetValue(setJson));
            return 0;
        });

        var quota = new Command("quota", "The lab's quota of GPU-hours, CPU-hours and tokens over all its campaigns (one lab per server).") { show, set };
        quota.SetAction(async (parse, ct) =>
        {
            using var session = await LedgerSession.OpenAsync(parse.GetValue(data), ct);
            await WriteAsync(await Operations(session).GetQuotaAsync(ct), json: false);
            return 0;
        });
        return quota;
    }

    private static CampaignOperations Operations(LedgerSession session) => new(session.Ledger, session.Journal, TimeProvider.System);

    private static async Task WriteAsync(LabQuotaView q, bool json)
    {
        if (json)
        {
            await Console.Out.WriteLineAsync(System.Text.Json.JsonSerializer.Serialize(q, new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web)));
            return;
        }
        static string Limit(double v, string unit) => v > 0 ? v.ToString("0.##", CultureInfo.InvariantCulture) + unit : "no limit";
        static string Left(double? v, string unit) => v is { } l ? l.ToString("0.##", CultureInfo.InvariantCulture) + unit + " left" : "";
        var set = q.SetAt is { } at ? FormattableString.Invariant($"; set by {q.SetBy} at {at.ToUniversalTime():yyyy-MM-dd HH:mm} UTC") : "";
        await Console.Out.WriteLineAsync(
            FormattableString.Invariant($"lab {q.Lab}: GPU-hours {Limit(q.GpuHours, " h")} ({q.GpuHoursUsed:0.##} h used{Sep(Left(q.GpuHoursLeft, " h"))}); ") +
            FormattableString.Invariant($"CPU-hours {Limit(q.CpuHours, " h")} ({q.CpuHoursUsed:0.##} h used{Sep(Left(q.CpuHoursLeft, " h"))}); ") +
            FormattableString.Invariant($"tokens {Limit(q.Tokens, "")} ({q.TokensUsed} used{Sep(Left(q.TokensLeft, ""))})") + set);
    }

    private static string Sep(string text) => text.Length == 0 ? "" : ", " + text;
}
