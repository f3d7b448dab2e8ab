using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using AutoResearch.Abstractions.Ports;
using AutoResearch.Abstractions.Reports;
using Microsoft.Extensions.Options;

namespace AutoResearch.Reports;

/// <summary>
/// Writes <c>report.md</c>, <c>report.html</c>, <c>report-metric.png</c>, <c>report-burn.png</c> and <c>report-budget.png</c>
/// into a new folder <c>&lt;OutputDirectory&gt;/&lt;campaign&gt;/history/&lt;UTC time&gt;-&lt;trigger&gt;/</c> for every report (none is
/// ever overwritten), and copies them to <c>&lt;OutputDirectory&gt;/&lt;campaign&gt;/</c> as the campaign's latest report.
/// </summary>
public sealed class FileReportWriter(
    ILedger ledger,
    IJournal journal,
    IOptions<ReportOptions> options,
    TimeProvider? timeProvider = null,
    IModelGateway? models = null) : IReportWriter
{
    public const string MarkdownFileName = "report.md";
    public const string HtmlFileName = "report.html";
    public const string HistoryFolderName = "history";
    private const string StampFormat = "yyyyMMdd'T'HHmmss.fff'Z'";

    private readonly CampaignReportBuilder _builder = new(ledger, journal, timeProvider);

    /// <exception cref="KeyNotFoundException">The ledger has no such campaign.</exception>
    public async Task<ReportFiles> WriteAsync(string campaignId, ReportTrigger trigger, CancellationToken cancellationToken = default)
    {
        var model = await _builder.BuildAsync(campaignId, cancellationToken).ConfigureAwait(false);
        model = model with { Trigger = trigger };
        var o = options.Value;
        if (models is not null && o.ModelAdvice && model.AdvisorEndpoints.Count > 0)
        {
            model = model with { Advice = await new ModelAdvisor(models, o).AdviseAsync(model, MarkdownReportRenderer.Render(model), cancellationToken).ConfigureAwait(false) };
        }

        var campaignDirectory = CampaignDirectory(campaignId);
        var snapshot = NewSnapshotDirectory(campaignDirectory, model.GeneratedAt, trigger);

        var charts = ReportCharts.RenderAll(model, o.ChartWidth, o.ChartHeight);
        // Charts first and the HTML last, so a report folder with report.html in it is complete.
        var files = charts.Select(c => (c.FileName, Bytes: c.Png))
            .Append((MarkdownFileName, Encoding.UTF8.GetBytes(MarkdownReportRenderer.Render(model, charts))))
            .Append((HtmlFileName, Encoding.UTF8.GetBytes(HtmlReportRenderer.Render(model, charts))))
            .ToList();

        // The latest report at a stable path too, with no chart left over from an earlier report.
        foreach (var stale in Directory.EnumerateFiles(campaignDirectory, "report-*.png"))
        {
            if (charts.All(c => c.FileName != Path.GetFileName(stale))) File.Delete(stale);
        }

        foreach (var folder in new[] { snapshot, campaignDirectory })
        {
            foreach (var (name, bytes) in files)
            {
                await WriteAtomicallyAsync(Path.Combine(folder, name), bytes, cancellationToken).ConfigureAwait(false);
            }
        }

        return new ReportFiles(Path.Combine(campaignDirectory, MarkdownFileName), Path.Combine(campaignDirectory, HtmlFileName))
        {
            WrittenAt = model.GeneratedAt,
            Trigger = trigger,
            Snapshot = snapshot,
        };
    }

    /// <summary>Every report written for the campaign (its history folders), oldest first.</summary>
    public Task<IReadOnlyList<ReportFiles>> ListAsync(string campaignId, CancellationToken cancellationToken = default)
    {
        var history = Path.Combine(CampaignDirectory(campaignId, create: false), HistoryFolderName);
        var reports = new List<ReportFiles>();
        if (Directory.Exists(history))
        {
            foreach (var folder in Directory.EnumerateDirectories(history))
            {
                var html = Path.Combine(folder, HtmlFileName);
                if (!File.Exists(html) || ParseSnapshotName(Path.GetFileName(folder)) is not { } parsed) continue;
                reports.Add(new ReportFiles(Path.Combine(folder, MarkdownFileName), html)
                {
                    WrittenAt = parsed.At,
                    Trigger = parsed.Trigger,
                    Snapshot = folder,
                });
            }
        }

        IReadOnlyList<ReportFiles> ordered = reports.OrderBy(r => r.WrittenAt).ThenBy(r => r.Snapshot, StringComparer.Ordinal).ToList();
        return Task.FromResult(ordered);
    }

    /// <summary>The history folder name of a report: <c>20261123T070000.000Z-scheduled</c> (a <c>-2</c>, <c>-3</c>… suffix when taken).</summary>
    public static string SnapshotName(DateTimeOffset at, ReportTrigger trigger) =>
        at.UtcDateTime.ToString(StampFormat, CultureInfo.InvariantCulture) + "-" + TriggerName(trigger);

    public static string TriggerName(ReportTrigger trigger) => trigger switch
    {
        ReportTrigger.Scheduled => "scheduled",
        ReportTrigger.Final => "final",
        _ => "on-demand",
    };

    internal static (DateTimeOffset At, ReportTrigger Trigger)? ParseSnapshotName(string name)
    {
        var dash = name.IndexOf('-', StringComparison.Ordinal);
        if (dash <= 0) return null;
        if (!DateTime.TryParseExact(name[..dash], StampFormat, CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var at)) return null;
        var rest = name[(dash + 1)..];
        foreach (var trigger in Enum.GetValues<ReportTrigger>())
        {
            var t = TriggerName(trigger);
            if (rest == t || rest.StartsWith(t + "-", StringComparison.Ordinal))
                return (new DateTimeOffset(at, TimeSpan.Zero), trigger);
        }
        return null;
    }

    private string CampaignDirectory(string campaignId, bool create = true)
    {
        var directory = Path.Combine(Path.GetFullPath(options.Value.OutputDirectory), SafeDirectoryName(campaignId));
        if (create) Directory.CreateDirectory(directory);
        return directory;
    }

    private static string NewSnapshotDirectory(string campaignDirectory, DateTimeOffset at, ReportTrigger trigger)
    {
        var history = Path.Combine(campaignDirectory, HistoryFolderName);
        Directory.CreateDirectory(history);
        var name = SnapshotName(at, trigger);
        for (var n = 1; ; n++)
        {
            var candidate = Path.Combine(history, n == 1 ? name : $"{name}-{n}");
            if (Directory.Exists(candidate)) continue;
            try
            {
                Directory.CreateDirectory(candidate);
                return candidate;
            }
            catch (IOException) when (Directory.Exists(candidate))
            {
            }
        }
    }

    /// <summary>
    /// A folder name for <paramref name="campaignId"/>: letters, digits, '.', '-' and '_' kept, anything else turned
    /// into '_' with a short hash of the id appended so distinct ids never share a folder.
    /// </summary>
    public static string SafeDirectoryName(string campaignId)
    {
        ArgumentNullException.ThrowIfNull(campaignId);
        var sb = new StringBuilder(campaignId.Length);
        foreach (var c in campaignId)
        {
            sb.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_');
        }

        var name = sb.ToString().Trim('.');
        var changed = name != campaignId || name.Length == 0 || name.Length > 80;
        if (name.Length > 80)
        {
            name = name[..80];
        }

        if (!changed)
        {
            return name;
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(campaignId)))[..8];
        return name.Length == 0 ? "campaign-" + hash : name + "-" + hash;
    }

    private static async Task WriteAtomicallyAsync(string path, byte[] content, CancellationToken cancellationToken)
    {
        var temp = path + ".tmp";
        await File.WriteAllBytesAsync(temp, content, cancellationToken).ConfigureAwait(false);
        File.Move(temp, path, overwrite: true);
    }
}
