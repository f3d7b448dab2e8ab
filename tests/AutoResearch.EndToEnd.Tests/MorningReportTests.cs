using System.Globalization;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Reports;

namespace AutoResearch.EndToEnd.Tests;

/// <summary>
/// The morning report from the real CLI host: a report at the first scheduled time while the campaign runs, the host killed
/// and resumed, and a report at the second scheduled time after the restart; both kept beside the final report.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class MorningReportTests
{
    [Fact]
    public async Task Reports_are_written_at_the_scheduled_times_while_running_and_again_after_a_restart()
    {
        await using var data = new TestData();
        var now = DateTimeOffset.UtcNow;
        var first = Whole(now.AddSeconds(45));
        var second = first.AddSeconds(60);
        var campaignFile = Path.Combine(data.Directory, "morning.yaml");
        await File.WriteAllTextAsync(campaignFile, $"""
            name: sleepy-morning
            goal: Scheduled reports while the campaign runs and after a restart
            benchmark: {RepoPaths.Fixture("sleepy")}
            agents_dir: {Path.Combine(RepoPaths.Root, "agents")}
            max_experiments: 400
            duration: 30m
            slots: 2
            noise: off
            reports:
              at: ["{first:HH:mm:ss}", "{second:HH:mm:ss}"]
              time_zone: UTC
            agents:
              - id: explorer-1
                role: explorer
              - id: random-1
                role: random
            """);

        string Campaign() => Directory.GetDirectories(Path.Combine(data.Directory, "reports")).Single();
        string[] Scheduled() => Directory.Exists(Path.Combine(data.Directory, "reports"))
            ? Directory.GetDirectories(Path.Combine(data.Directory, "reports"), "*-scheduled*", SearchOption.AllDirectories)
                .Where(d => File.Exists(Path.Combine(d, FileReportWriter.HtmlFileName))).Order(StringComparer.Ordinal).ToArray()
            : [];

        using (var run = CliProcess.Start(data.Directory, "run", campaignFile, "--json"))
        {
            await WaitUntilAsync(() => Scheduled().Length >= 1, first.AddSeconds(90), run);
            run.KillHard();
        }

        var morning = Scheduled().Single();
        var morningHtml = await File.ReadAllTextAsync(Path.Combine(morning, FileReportWriter.HtmlFileName));
        Assert.Contains("<h1>Morning report: sleepy-morning</h1>", morningHtml);
        Assert.Contains("state <strong>Running</strong>", morningHtml);
        var restartedAt = DateTimeOffset.UtcNow;

        string campaignId;
        using (var resumed = CliProcess.Start(data.Directory, "run", campaignFile, "--json"))
        {
            await WaitUntilAsync(() => Scheduled().Length >= 2, second.AddSeconds(90), resumed);
            campaignId = (await data.Ledger.ListCampaignsAsync()).Single().Id;
            using var stop = CliProcess.Start(data.Directory, "stop", campaignId, "--reason", "morning test over");
            Assert.Equal(0, await stop.WaitAsync(TimeSpan.FromMinutes(1)));
            var exit = await resumed.WaitAsync(TimeSpan.FromMinutes(3));
            Assert.True(exit == 1, $"exit {exit} (a stopped campaign exits 1)\n{CliProcess.Tail(resumed.Stderr)}");
        }

        var reports = Scheduled();
        Assert.Equal(2, reports.Length);
        Assert.Equal(morningHtml, await File.ReadAllTextAsync(Path.Combine(reports[0], FileReportWriter.HtmlFileName)));
        var afterRestart = await File.ReadAllTextAsync(Path.Combine(reports[1], FileReportWriter.HtmlFileName));
        Assert.Contains("<h1>Morning report: sleepy-morning</h1>", afterRestart);

        var journal = await data.Journal.ReadAsync(campaignId);
        var scheduledEntries = journal.Where(j => j.Text.StartsWith("Scheduled report for", StringComparison.Ordinal)).ToList();
        Assert.Equal([$"Scheduled report for {first:HH:mm}", $"Scheduled report for {second:HH:mm}"], scheduledEntries.Select(j => j.Text[..26]));
        Assert.True(scheduledEntries[1].At >= restartedAt, "the second scheduled report should come from the restarted host");
        var resumedEntry = Assert.Single(journal, j => j.Text.StartsWith("Campaign resumed after a restart", StringComparison.Ordinal));
        Assert.True(scheduledEntries[0].At < resumedEntry.At && resumedEntry.At <= scheduledEntries[1].At);
        Assert.Single(Directory.GetDirectories(Path.Combine(Campaign(), FileReportWriter.HistoryFolderName), "*-final*"));
        Assert.Equal(ExperimentStatus.Succeeded, (await data.Ledger.GetExperimentsAsync(campaignId)).First(e => e.IsBaseline).Status);
        Assert.Empty(await data.ContainersAsync());
    }

    private static DateTimeOffset Whole(DateTimeOffset t) => new(t.Year, t.Month, t.Day, t.Hour, t.Minute, t.Second, TimeSpan.Zero);

    private static async Task WaitUntilAsync(Func<bool> condition, DateTimeOffset deadline, CliProcess run)
    {
        while (!condition())
        {
            Assert.False(run.HasExited, "the campaign ended early:\n" + CliProcess.Tail(run.Stderr));
            Assert.True(DateTimeOffset.UtcNow < deadline, $"no report by {deadline.ToString("HH:mm:ss", CultureInfo.InvariantCulture)}:\n" + CliProcess.Tail(run.Stderr));
            await Task.Delay(500);
        }
    }
}
