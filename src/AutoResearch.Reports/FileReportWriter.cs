using System.Security.Cryptography;
using System.Text;
using AutoResearch.Abstractions.Ports;
using Microsoft.Extensions.Options;

namespace AutoResearch.Reports;

/// <summary>
/// Writes <c>report.md</c>, <c>report.html</c>, <c>report-metric.png</c> and <c>report-budget.png</c> to
/// <c>&lt;OutputDirectory&gt;/&lt;campaign id, made path-safe&gt;/</c>.
/// </summary>
public sealed class FileReportWriter(ILedger ledger, IJournal journal, IOptions<ReportOptions> options, TimeProvider? timeProvider = null)
    : IReportWriter
{
    public const string MarkdownFileName = "report.md";
    public const string HtmlFileName = "report.html";

    private readonly CampaignReportBuilder _builder = new(ledger, journal, timeProvider);

    /// <exception cref="KeyNotFoundException">The ledger has no such campaign.</exception>
    public async Task<ReportFiles> WriteAsync(string campaignId, CancellationToken cancellationToken = default)
    {
        var model = await _builder.BuildAsync(campaignId, cancellationToken).ConfigureAwait(false);
        var o = options.Value;
        var directory = Path.Combine(Path.GetFullPath(o.OutputDirectory), SafeDirectoryName(campaignId));
        Directory.CreateDirectory(directory);

        var metricPng = ReportCharts.RenderMetricPng(model, o.ChartWidth, o.ChartHeight);
        var budgetPng = ReportCharts.RenderBudgetPng(model, o.ChartWidth, Math.Max(240, o.ChartHeight * 4 / 5));

        await WriteAtomicallyAsync(Path.Combine(directory, ReportCharts.MetricFileName), metricPng, cancellationToken).ConfigureAwait(false);
        var budgetPath = Path.Combine(directory, ReportCharts.BudgetFileName);
        if (budgetPng is not null)
        {
            await WriteAtomicallyAsync(budgetPath, budgetPng, cancellationToken).ConfigureAwait(false);
        }
        else if (File.Exists(budgetPath))
        {
            File.Delete(budgetPath);
        }

        var markdown = MarkdownReportRenderer.Render(model, ReportCharts.MetricFileName, budgetPng is null ? null : ReportCharts.BudgetFileName);
        var html = HtmlReportRenderer.Render(model, metricPng, budgetPng);
        var markdownPath = Path.Combine(directory, MarkdownFileName);
        var htmlPath = Path.Combine(directory, HtmlFileName);
        await WriteAtomicallyAsync(markdownPath, Encoding.UTF8.GetBytes(markdown), cancellationToken).ConfigureAwait(false);
        await WriteAtomicallyAsync(htmlPath, Encoding.UTF8.GetBytes(html), cancellationToken).ConfigureAwait(false);
        return new ReportFiles(markdownPath, htmlPath);
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
