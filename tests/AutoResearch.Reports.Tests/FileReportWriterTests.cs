using AutoResearch.Abstractions.Reports;
using AutoResearch.Abstractions.Ports;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AutoResearch.Reports.Tests;

public sealed class FileReportWriterTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "ar-reports-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public async Task Writes_markdown_html_and_charts_into_the_campaign_folder()
    {
        var (ledger, journal) = await SampleCampaign.SeedAsync();
        var writer = new FileReportWriter(ledger, journal, Options.Create(new ReportOptions { OutputDirectory = _root }));

        var files = await writer.WriteAsync(SampleCampaign.Id, ReportTrigger.OnDemand);

        var folder = Path.Combine(_root, SampleCampaign.Id);
        Assert.Equal(Path.Combine(folder, "report.md"), files.Markdown);
        Assert.Equal(Path.Combine(folder, "report.html"), files.Html);
        Assert.Contains("(report-metric.png)", await File.ReadAllTextAsync(files.Markdown));
        Assert.Contains("data:image/png;base64,", await File.ReadAllTextAsync(files.Html));
        using var _ = PngAssert.Decodes(await File.ReadAllBytesAsync(Path.Combine(folder, "report-metric.png")), 1000, 520);
        Assert.True(File.Exists(Path.Combine(folder, "report-budget.png")));
        Assert.Empty(Directory.GetFiles(folder, "*.tmp"));

        // Example for people to look at: AR_REPORT_EXAMPLE_DIR=/tmp/report-example dotnet test ...
        if (Environment.GetEnvironmentVariable("AR_REPORT_EXAMPLE_DIR") is { Length: > 0 } example)
        {
            var exampleWriter = new FileReportWriter(ledger, journal, Options.Create(new ReportOptions { OutputDirectory = example }));
            await exampleWriter.WriteAsync(SampleCampaign.Id, ReportTrigger.OnDemand);
        }
    }

    [Theory]
    [InlineData("lab/digits night#1")]
    [InlineData("../../etc")]
    [InlineData("..")]
    [InlineData("a\\b:c*d?e\"f<g>h|i")]
    public async Task Odd_campaign_ids_stay_inside_the_output_directory(string id)
    {
        var (ledger, journal) = await SampleCampaign.SeedAsync(SampleCampaign.Campaign(id), SampleCampaign.Experiments(id), []);
        var writer = new FileReportWriter(ledger, journal, Options.Create(new ReportOptions { OutputDirectory = _root }));

        var files = await writer.WriteAsync(id, ReportTrigger.OnDemand);

        var folder = Path.GetDirectoryName(files.Markdown)!;
        Assert.Equal(Path.GetFullPath(_root), Path.GetDirectoryName(folder));
        Assert.True(File.Exists(files.Html));
    }

    [Fact]
    public void Safe_names_keep_plain_ids_and_separate_similar_odd_ones()
    {
        Assert.Equal("digits-20261123-0100", FileReportWriter.SafeDirectoryName("digits-20261123-0100"));
        var a = FileReportWriter.SafeDirectoryName("lab/x");
        var b = FileReportWriter.SafeDirectoryName("lab_x");
        Assert.StartsWith("lab_x-", a);
        Assert.NotEqual(a, b);
        Assert.DoesNotContain("..", FileReportWriter.SafeDirectoryName(".."));
    }

    [Fact]
    public async Task Empty_campaign_writes_a_report()
    {
        var (ledger, journal) = await SampleCampaign.SeedAsync(SampleCampaign.Campaign("empty") with { State = CampaignState(), EndedAt = null }, [], []);
        var writer = new FileReportWriter(ledger, journal, Options.Create(new ReportOptions { OutputDirectory = _root }));

        var files = await writer.WriteAsync("empty", ReportTrigger.OnDemand);

        Assert.Contains("No experiments have run yet.", await File.ReadAllTextAsync(files.Markdown));
        Assert.Contains("No experiments have run yet.", await File.ReadAllTextAsync(files.Html));
    }

    [Fact]
    public async Task AddReports_registers_the_writer()
    {
        var (ledger, journal) = await SampleCampaign.SeedAsync();
        var services = new ServiceCollection()
            .AddSingleton<ILedger>(ledger)
            .AddSingleton<IJournal>(journal)
            .AddReports(o => o.OutputDirectory = _root);
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        var writer = provider.GetRequiredService<IReportWriter>();
        Assert.IsType<FileReportWriter>(writer);
        Assert.NotNull(provider.GetRequiredService<CampaignReportBuilder>());
        var files = await writer.WriteAsync(SampleCampaign.Id, ReportTrigger.OnDemand);
        Assert.True(File.Exists(files.Html));
    }

    private static Abstractions.Experiments.CampaignState CampaignState() => Abstractions.Experiments.CampaignState.Running;
}
