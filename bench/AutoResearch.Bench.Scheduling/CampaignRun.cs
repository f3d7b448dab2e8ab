using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using AutoResearch.Harness;
using Microsoft.Data.Sqlite;

namespace AutoResearch.Bench.Scheduling;

/// <summary>
/// The campaign side: the real CLI (<c>dotnet autoresearch.dll run campaign.yaml --json --fresh --data TMP</c>) in a child
/// process, measured from its --json summary and from its ledger (opened read-only) the same way as the plain loop.
/// </summary>
internal static class CampaignRun
{
    private sealed record Row(
        string Id, string Agent, int Sequence, string Status, DateTimeOffset Queued,
        DateTimeOffset? Start, DateTimeOffset? End, DateTimeOffset? SlotStart, DateTimeOffset? SlotEnd)
    {
        public string? Slot { get; set; }
    }

    public static async Task<Measurement> RunAsync(BenchOptions options)
    {
        if (!File.Exists(options.Cli))
            throw new FileNotFoundException($"{options.Cli} is missing: build it first (dotnet build src/AutoResearch.Cli -c Release).");
        var (campaignFile, generated) = CampaignFileFor(options);
        var data = Path.Combine(Path.GetTempPath(), "ar-bench-scheduling-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var start = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var a in new[] { options.Cli, "run", campaignFile, "--json", "--fresh", "--data", data }) start.ArgumentList.Add(a);
            // The fleet gets exactly the campaign's slots; every container sleeps the same time as in the loop.
            start.Environment["Fleet__Slots"] = options.Slots.ToString(CultureInfo.InvariantCulture);
            start.Environment[$"Sandboxes__Environment__{Program.RunSecondsVariable}"] = Program.Invariant(options.Seconds);
            Console.Error.WriteLine($"campaign: dotnet {string.Join(' ', start.ArgumentList)}");

            var launched = DateTimeOffset.UtcNow;
            using var process = Process.Start(start)!;
            var stderrTail = new StringBuilder();
            var stderr = Task.Run(async () =>
            {
                while (await process.StandardError.ReadLineAsync() is { } line)
                {
                    lock (stderrTail)
                    {
                        stderrTail.AppendLine(line);
                        if (stderrTail.Length > 8000) stderrTail.Remove(0, stderrTail.Length - 8000);
                    }
                }
            });
            var stdout = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            await stderr;
            var exited = DateTimeOffset.UtcNow;
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"the CLI exited {process.ExitCode}; end of its stderr:\n{stderrTail}");
            var lastLine = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];
            var summary = JsonDocument.Parse(lastLine).RootElement;

            var rows = ReadLedger(Path.Combine(data, "autoresearch.db"), out var campaignStarted);
            var slotsFromLog = AssignSlotsFromLogs(Path.Combine(data, "logs"), rows);
            if (!slotsFromLog) AssignSlotsGreedy(rows);

            var ran = rows.Where(r => r.Status == "Succeeded" && r.Start is not null && r.End is not null).ToList();
            var measurement = new Measurement("campaign", options.Slots, ran.Select(r => new Run(r.Start!.Value, r.End!.Value)).OrderBy(r => r.Start).ToList())
            {
                ReportedUtilization = summary.GetProperty("utilization").GetDouble(),
            };
            Describe(measurement, summary, rows, ran, slotsFromLog, launched, campaignStarted, exited);
            return measurement;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            if (generated) File.Delete(campaignFile);
            if (options.KeepData) Console.Error.WriteLine($"campaign data kept in {data}");
            else try { Directory.Delete(data, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>The campaign file, or a copy next to it (so relative paths still resolve) with max_experiments and slots of the options.</summary>
    private static (string File, bool Generated) CampaignFileFor(BenchOptions options)
    {
        var spec = CampaignLoader.Load(options.CampaignFile);
        if (spec.MaxExperiments == options.Experiments && spec.Slots == options.Slots) return (options.CampaignFile, false);
        var text = File.ReadAllText(options.CampaignFile);
        text = Regex.Replace(text, @"^max_experiments:.*$", $"max_experiments: {options.Experiments}", RegexOptions.Multiline);
        text = Regex.Replace(text, @"^slots:.*$", $"slots: {options.Slots}", RegexOptions.Multiline);
        var file = Path.Combine(Path.GetDirectoryName(options.CampaignFile)!, $".campaign-{options.Experiments}x{options.Slots}-{Environment.ProcessId}.yaml");
        File.WriteAllText(file, text);
        return (file, true);
    }

    private static List<Row> ReadLedger(string path, out DateTimeOffset? campaignStarted)
    {
        var rows = new List<Row>();
        using var db = new SqliteConnection($"Data Source={path};Mode=ReadOnly");
        db.Open();
        using (var campaign = db.CreateCommand())
        {
            campaign.CommandText = "SELECT started_at FROM ledger_campaigns ORDER BY created_at DESC LIMIT 1";
            campaignStarted = campaign.ExecuteScalar() is string text ? Parse(text) : null;
        }
        using var command = db.CreateCommand();
        command.CommandText =
            "SELECT id, agent_id, sequence, status, queued_at, started_at, ended_at, slot_started_at, slot_ended_at FROM ledger_experiments ORDER BY sequence";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            rows.Add(new Row(reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetString(3), Parse(reader.GetString(4))!.Value,
                Parse(reader, 5), Parse(reader, 6), Parse(reader, 7), Parse(reader, 8)));
        }
        return rows;
    }

    private static DateTimeOffset? Parse(SqliteDataReader reader, int i) => reader.IsDBNull(i) ? null : Parse(reader.GetString(i));

    private static DateTimeOffset? Parse(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    /// <summary>The slot each experiment ran on, from the agent's "starting on slot {Slot}" log event (compact JSON in the data dir's logs).</summary>
    private static bool AssignSlotsFromLogs(string logs, List<Row> rows)
    {
        if (!Directory.Exists(logs)) return false;
        var byId = rows.ToDictionary(r => r.Id);
        foreach (var file in Directory.GetFiles(logs, "*.json"))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var text = new StreamReader(stream);
            while (text.ReadLine() is { } line)
            {
                if (!line.Contains("starting on slot", StringComparison.Ordinal)) continue;
                using var doc = JsonDocument.Parse(line);
                var e = doc.RootElement;
                if (e.TryGetProperty("ExperimentId", out var id) && e.TryGetProperty("Slot", out var slot) && byId.TryGetValue(id.ToString(), out var row))
                    row.Slot = slot.ToString();
            }
        }
        return rows.Where(r => r.SlotStart is not null).All(r => r.Slot is not null);
    }

    /// <summary>Without the log: each experiment goes to the slot freed last before its slot start (the smallest gap).</summary>
    private static void AssignSlotsGreedy(List<Row> rows)
    {
        var lanes = new List<(string Name, DateTimeOffset FreeAt)>();
        foreach (var r in rows.Where(r => r.SlotStart is not null && r.SlotEnd is not null).OrderBy(r => r.SlotStart))
        {
            var free = lanes.Select((l, i) => (l, i)).Where(x => x.l.FreeAt <= r.SlotStart).OrderByDescending(x => x.l.FreeAt).FirstOrDefault();
            if (free.l.Name is null)
            {
                lanes.Add(($"lane{lanes.Count}", r.SlotEnd!.Value));
                r.Slot = lanes[^1].Name;
            }
            else
            {
                lanes[free.i] = (free.l.Name, r.SlotEnd!.Value);
                r.Slot = free.l.Name;
            }
        }
    }

    private static void Describe(Measurement m, JsonElement summary, List<Row> rows, List<Row> ran, bool slotsFromLog, DateTimeOffset launched, DateTimeOffset? campaignStarted, DateTimeOffset exited)
    {
        var notes = m.Notes;
        var statuses = string.Join(", ", rows.GroupBy(r => r.Status).Select(g => $"{g.Count()} {g.Key}"));
        notes.Add($"ledger: {rows.Count} experiments ({statuses}); summary: experiments {summary.GetProperty("experiments").GetInt32()}, " +
                  $"succeeded {summary.GetProperty("succeeded").GetInt32()}, failed {summary.GetProperty("failed").GetInt32()}, utilization {Program.Invariant(m.ReportedUtilization!.Value, "F4")}");
        notes.Add($"by agent: {string.Join(", ", rows.GroupBy(r => r.Agent).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}"))}");
        notes.Add($"CLI process: {Program.Invariant((exited - launched).TotalSeconds, "F1")} s wall; launch to first container start {Program.Invariant((m.First - launched).TotalSeconds, "F1")} s; " +
                  $"last container end to exit {Program.Invariant((exited - m.Last).TotalSeconds, "F1")} s");
        if (campaignStarted is { } cs && rows.Where(r => r.SlotStart is not null).MinBy(r => r.SlotStart) is { } firstRow)
        {
            notes.Add($"  launch to campaign started (process start, silo, ledger): {Program.Invariant((cs - launched).TotalSeconds, "F2")} s; " +
                      $"campaign started to first slot grant (#{firstRow.Sequence}, {firstRow.Agent}): {Program.Invariant((firstRow.SlotStart!.Value - cs).TotalSeconds, "F2")} s; " +
                      $"first slot grant to its container start: {Program.Invariant((firstRow.Start!.Value - firstRow.SlotStart!.Value).TotalSeconds, "F2")} s");
        }
        notes.Add($"container run: {Stats.Describe(ran.Select(r => (r.End!.Value - r.Start!.Value).TotalSeconds).ToArray())}");

        var held = ran.Where(r => r.SlotStart is not null && r.SlotEnd is not null).ToList();
        if (held.Count == 0)
        {
            notes.Add("the ledger has no slot_started_at/slot_ended_at: no slot breakdown");
            return;
        }
        var slotSeconds = held.Sum(r => (Min(r.SlotEnd!.Value, m.Last) - Max(r.SlotStart!.Value, m.First)).TotalSeconds);
        m.SlotUtilization = slotSeconds / (m.Slots * m.Makespan);
        notes.Add($"slot held (slot_started_at = fleet grant to slot_ended_at): {Stats.Describe(held.Select(r => (r.SlotEnd!.Value - r.SlotStart!.Value).TotalSeconds).ToArray())}");
        notes.Add($"  before the container starts (slot grant to container start: create, copy-in, attach, start): {Stats.Describe(held.Select(r => (r.Start!.Value - r.SlotStart!.Value).TotalSeconds).ToArray())}");
        notes.Add($"  after the container ends (container end to slot_ended_at, stamped when the runner returns: drain, inspect, result file, artifact copy, remove): {Stats.Describe(held.Select(r => (r.SlotEnd!.Value - r.End!.Value).TotalSeconds).ToArray())}");

        // Between experiments on the same slot: one experiment's slot end (result recorded) to the next one's slot grant.
        var slotGaps = new List<double>();
        var containerGaps = new List<double>();
        int waiting = 0, notReady = 0;
        var notReadyGaps = new List<double>();
        var largest = new List<(double Gap, string Text)>();
        var waitingGaps = new List<double>();
        foreach (var lane in held.GroupBy(r => r.Slot))
        {
            var ordered = lane.OrderBy(r => r.SlotStart).ToList();
            for (var i = 1; i < ordered.Count; i++)
            {
                var (prev, next) = (ordered[i - 1], ordered[i]);
                var gap = (next.SlotStart!.Value - prev.SlotEnd!.Value).TotalSeconds;
                slotGaps.Add(gap);
                containerGaps.Add((next.Start!.Value - prev.End!.Value).TotalSeconds);
                // Was the next experiment already queued (ticket taken, proposal being made) when the slot came free?
                largest.Add((gap, $"{Program.Invariant(gap, "F3")} s on slot {lane.Key} after #{prev.Sequence} ({prev.Agent}) before #{next.Sequence} ({next.Agent}, " +
                                  $"queued {Program.Invariant((next.Queued - prev.SlotEnd!.Value).TotalSeconds, "+0.000;-0.000")} s from the slot end)"));
                if (next.Queued <= prev.SlotEnd) { waiting++; waitingGaps.Add(gap); }
                else { notReady++; notReadyGaps.Add(gap); }
            }
        }
        notes.Add($"slots by {(slotsFromLog ? "the agents' \"starting on slot\" log events" : "reconstruction (each run on the slot freed last before it)")}: " +
                  string.Join(", ", held.GroupBy(r => r.Slot).OrderBy(g => g.Key).Select(g => $"slot {g.Key} {g.Count()} runs")));
        notes.Add($"same slot, slot_ended_at → next slot_started_at (writing the result to the ledger, releasing the lease, the fleet granting the next waiter): {Stats.Describe(slotGaps)}");
        notes.Add($"  next experiment queued before the slot came free: {waiting} gaps, {Stats.Describe(waitingGaps)}");
        notes.Add($"  next experiment queued after the slot came free (agent still settling / asking for a ticket / proposing): {notReady} gaps, {Stats.Describe(notReadyGaps)}");
        notes.Add($"  largest: {string.Join("; ", largest.OrderByDescending(g => g.Gap).Take(3).Select(g => g.Text))}");
        notes.Add($"same slot, container end → next container start: {Stats.Describe(containerGaps)}");
        notes.Add($"slot-held utilization over the makespan window: {Program.Invariant(m.SlotUtilization.Value, "F3")}");
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
