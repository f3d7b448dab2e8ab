using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace AutoResearch.Bench.Scheduling;

/// <summary>The campaign side: the real CLI in a child process, measured from its --json summary and its ledger.</summary>
internal static class CampaignRun
{
    public static async Task<Measurement> RunAsync(string root, string campaignFile, int slots)
    {
        var cli = Path.Combine(root, "src", "AutoResearch.Cli", "bin", "Release", "net10.0", "autoresearch.dll");
        if (!File.Exists(cli)) throw new FileNotFoundException($"Build the solution in Release first: {cli} is missing.");
        var data = Path.Combine(Path.GetTempPath(), "ar-bench-scheduling-" + Guid.NewGuid().ToString("N")[..8]);
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { cli, "run", campaignFile, "--json", "--fresh", "--data", data }) start.ArgumentList.Add(a);
        start.Environment["Fleet__Slots"] = slots.ToString(CultureInfo.InvariantCulture);
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        watch.Stop();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"the CLI exited {process.ExitCode}: {(await stderr)[^Math.Min(2000, (await stderr).Length)..]}");
        var summary = JsonDocument.Parse(stdout.Trim().Split('\n')[^1]).RootElement;

        var rows = new List<(DateTimeOffset Start, DateTimeOffset End, DateTimeOffset SlotStart, DateTimeOffset SlotEnd)>();
        await using (var db = new SqliteConnection($"Data Source={Path.Combine(data, "autoresearch.db")};Mode=ReadOnly"))
        {
            await db.OpenAsync();
            await using var command = db.CreateCommand();
            command.CommandText = "SELECT started_at, ended_at, slot_started_at, slot_ended_at FROM ledger_experiments WHERE status = 'Succeeded'";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                rows.Add((Parse(reader.GetString(0)), Parse(reader.GetString(1)), Parse(reader.GetString(2)), Parse(reader.GetString(3))));
            }
        }
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(data, recursive: true); } catch (IOException) { }

        var first = rows.Min(r => r.Start);
        var last = rows.Max(r => r.End);
        return new Measurement(rows.Count, (last - first).TotalSeconds, rows.Sum(r => (r.End - r.Start).TotalSeconds),
            rows.Sum(r => (Min(r.SlotEnd, last) - Max(r.SlotStart, first)).TotalSeconds))
        {
            ReportedUtilization = summary.GetProperty("utilization").GetDouble(),
            ProcessSeconds = watch.Elapsed.TotalSeconds,
        };
    }

    private static DateTimeOffset Parse(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
