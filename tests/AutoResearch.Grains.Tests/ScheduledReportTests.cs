using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Grains;
using AutoResearch.Abstractions.Journal;
using AutoResearch.Abstractions.Specs;
using AutoResearch.Reports;
using Microsoft.Extensions.DependencyInjection;

namespace AutoResearch.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class ScheduledReportTests(ClusterFixture fixture)
{
    [Fact]
    public async Task A_campaign_writes_a_report_at_each_scheduled_time_while_it_runs_keeps_them_all_and_drops_the_reminder_when_it_ends()
    {
        var id = TestSpecs.UniqueId("sched");
        var now = DateTimeOffset.UtcNow;
        var first = Truncate(now.AddSeconds(6));
        var second = first.AddSeconds(6);
        var spec = TestSpecs.Campaign("sched", maxExperiments: 500, slots: 1) with
        {
            Reports = new ReportSchedule { TimesOfDay = [first.TimeOfDay, second.TimeOfDay], TimeZone = "UTC" },
        };
        var campaign = fixture.Grains.GetGrain<ICampaignGrain>(id);
        await campaign.Start(spec);
        // Paused campaigns still run: the schedule must fire while nothing new starts.
        await campaign.Control(new ControlRequest { CampaignId = id, Action = ControlAction.Pause, RequestedAt = DateTimeOffset.UtcNow });

        var history = Path.Combine(fixture.DataDirectory, "reports", FileReportWriter.SafeDirectoryName(id), FileReportWriter.HistoryFolderName);
        string[] Scheduled() => Directory.Exists(history) ? Directory.GetDirectories(history, "*-scheduled*").Where(d => File.Exists(Path.Combine(d, FileReportWriter.HtmlFileName))).Order().ToArray() : [];
        async Task<List<JournalEntry>> ScheduledLines() =>
            (await fixture.Journal.ReadAsync(id)).Where(e => e.Kind == JournalEntryKind.System && e.Text.StartsWith("Scheduled report for", StringComparison.Ordinal)).ToList();
        // The journal line follows the report's files: wait for both, or a busy machine reads the journal in between.
        await Waits.UntilAsync(async () => Scheduled().Length >= 2 && (await ScheduledLines()).Count >= 2, seconds: 60, what: "two scheduled reports and their journal lines");

        var reports = Scheduled();
        Assert.Equal(2, reports.Length);
        foreach (var folder in reports)
        {
            var html = await File.ReadAllTextAsync(Path.Combine(folder, FileReportWriter.HtmlFileName));
            Assert.Contains("<h1>Morning report: sched</h1>", html);
            Assert.Contains("state <strong>Paused</strong>", html);
        }

        var entries = await ScheduledLines();
        Assert.Equal([$"Scheduled report for {first:HH:mm}", $"Scheduled report for {second:HH:mm}"], entries.Select(e => e.Text[..26]));
        Assert.True(File.Exists(Path.Combine(history, "..", FileReportWriter.HtmlFileName)));

        var table = fixture.SiloServices.GetRequiredService<IReminderTable>();
        var grainId = ((GrainReference)campaign.AsReference<ICampaignGrain>()).GrainId;
        Assert.NotNull(await table.ReadRow(grainId, CampaignGrain.ScheduledReportReminder));

        await campaign.Stop("test over");
        await Waits.UntilAsync(async () => (await campaign.GetStatus()).ReportHtml is { } html && Directory.GetDirectories(history, "*-final*").Length == 1);
        Assert.Null(await table.ReadRow(grainId, CampaignGrain.ScheduledReportReminder));
        Assert.Equal(2, Scheduled().Length);
        Assert.Equal(CampaignState.Stopped, (await campaign.GetStatus()).State);
    }

    private static DateTimeOffset Truncate(DateTimeOffset t) => new(t.Year, t.Month, t.Day, t.Hour, t.Minute, t.Second, TimeSpan.Zero);
}
