using System.Text.RegularExpressions;

namespace AutoResearch.Reports.Tests;

public sealed partial class HtmlReportRendererTests
{
    private static readonly CampaignReportModel Model = SampleCampaign.Model();
    private static readonly byte[] MetricPng = ReportCharts.RenderMetricPng(Model, 900, 450);
    private static readonly string Html = HtmlReportRenderer.Render(Model, ReportCharts.RenderAll(Model, 900, 450));

    [Fact]
    public void Has_no_external_references()
    {
        Assert.Empty(ExternalReference().Matches(Html));
        Assert.DoesNotContain("<link", Html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@import", Html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("url(", Html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Embeds_the_chart_as_a_data_png()
    {
        var match = EmbeddedPng().Match(Html);
        Assert.True(match.Success);
        var bytes = Convert.FromBase64String(match.Groups[1].Value);
        Assert.Equal(MetricPng, bytes);
        using var _ = PngAssert.Decodes(bytes, 900, 450);
        Assert.Equal(ReportCharts.RenderAll(Model, 900, 450).Count, EmbeddedPng().Matches(Html).Count);
    }

    [Fact]
    public void Escapes_injected_html()
    {
        Assert.DoesNotContain("<script", Html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("onerror=\"alert", Html);
        Assert.DoesNotContain("<img src=\"http", Html);
        Assert.Contains("&lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt;", Html);
        Assert.Contains("&lt;img src=&quot;http://evil.example/x.png&quot;", Html);
        Assert.All(ImgTags().Matches(Html), m => Assert.Contains("src=\"data:image/png;base64,", m.Value));
    }

    [Fact]
    public void Journal_markdown_is_rendered_without_links()
    {
        Assert.Contains("<strong>0.02</strong>", Html);
        Assert.Contains("<code>lr</code>", Html);
        Assert.Contains("See this paper (https://evil.example/paper) and [image: chart] and https://evil.example/auto.", Html);
        // The only links are the report's own anchors (leaderboard and top experiments to their rows).
        Assert.All(Regex.Matches(Html, "<a [^>]*>").Select(m => m.Value), a => Assert.StartsWith("<a href=\"#exp-", a));
        Assert.DoesNotContain("href=\"http", Html);
    }

    [Fact]
    public void Numbers_match_the_seeded_data()
    {
        Assert.Contains("val_loss: baseline 0.5 → best 0.4 (+20.0% better than baseline)", Html);
        Assert.Contains("<div class=\"n\">16</div><div class=\"l\">experiments</div>", Html);
        Assert.Contains("<div class=\"n\">10</div><div class=\"l\">succeeded</div>", Html);
        Assert.Contains("<div class=\"n\">6</div><div class=\"l\">failed</div>", Html);
        Assert.Contains("<div class=\"n\">+20.0%</div>", Html);
        Assert.Contains("<tr><td>exploiter-1</td><td>exploiter</td><td>tpe</td><td>—</td><td class=\"num\">5</td><td class=\"num\">3</td><td class=\"num\">2</td><td class=\"num\">0</td><td class=\"num\">1</td><td class=\"num\">0.4</td>", Html);
        Assert.Contains("<h3>Crash (2)</h3>", Html);
        Assert.Contains("<h3>Out of memory (1)</h3>", Html);
    }

    [Fact]
    public void Hostile_campaign_name_and_goal_are_escaped()
    {
        var model = Model with { Name = "</title><script>x()</script>", Goal = "</style><script>y()</script>" };
        var html = HtmlReportRenderer.Render(model);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.Single(StyleClose().Matches(html));
    }

    [Fact]
    public void Empty_campaign_renders()
    {
        var model = CampaignReportBuilder.Build(SampleCampaign.Campaign(), [], [], SampleCampaign.End);
        var html = HtmlReportRenderer.Render(model, ReportCharts.RenderAll(model));
        Assert.Contains("No experiments have run yet.", html);
        Assert.EndsWith("</body></html>" + Environment.NewLine, html);
    }

    [GeneratedRegex("""(?:src|href|action|poster|srcset)\s*=\s*["']?\s*(?:https?:)?//""", RegexOptions.IgnoreCase)]
    private static partial Regex ExternalReference();

    [GeneratedRegex("src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"")]
    private static partial Regex EmbeddedPng();

    [GeneratedRegex("<img\\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex ImgTags();

    [GeneratedRegex("</style>", RegexOptions.IgnoreCase)]
    private static partial Regex StyleClose();
}
