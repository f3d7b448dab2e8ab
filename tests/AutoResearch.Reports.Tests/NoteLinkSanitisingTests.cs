using Markdig;

namespace AutoResearch.Reports.Tests;

/// <summary>
/// Notes and reflections are quoted into <c>report.md</c>, which people open in Markdown viewers: a link there may lead to
/// the web, never to <c>javascript:</c> or <c>data:</c>, however the address is spelled. Checked by rendering the quoted
/// Markdown as a viewer would (CommonMark with the usual extensions) and reading the links it makes.
/// </summary>
public sealed class NoteLinkSanitisingTests
{
    private static readonly MarkdownPipeline Viewer = new MarkdownPipelineBuilder().UseAdvancedExtensions().Build();

    [Theory]
    [InlineData("see [the fix](javascript:alert(document.cookie)) tomorrow")]
    [InlineData("see [the fix](JavaScript:alert(1))")]
    [InlineData("see [the fix](java&#115;cript:alert(1))")]
    [InlineData("see [the fix](java\\\nscript:alert(1))")]
    [InlineData("see [the fix][1]\n\n[1]: javascript:alert(1)")]
    [InlineData("see [the fix]( javascript:alert(1) \"title\")")]
    [InlineData("see \\[not a link\\] and [the fix](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)")]
    [InlineData("<javascript:alert(1)> and [x](vbscript:msgbox(1))")]
    public void A_note_with_a_script_link_keeps_its_text_and_loses_the_link(string note)
    {
        var quoted = MarkdownText.Quote(note);
        var html = Markdown.ToHtml(quoted, Viewer);
        Assert.DoesNotMatch("(?i)href=\"\\s*(javascript|data|vbscript)", html);
        Assert.DoesNotContain("<a ", html, StringComparison.Ordinal);
        if (note.Contains("the fix", StringComparison.Ordinal))
            Assert.Contains("the fix", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Web_links_in_a_note_stay_clickable()
    {
        var html = Markdown.ToHtml(MarkdownText.Quote("read [the paper](https://arxiv.org/abs/1206.2944) and [the notes](notes.md#lr)"), Viewer);
        Assert.Contains("href=\"https://arxiv.org/abs/1206.2944\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"notes.md#lr\"", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://example.org/a:b", true)]
    [InlineData("mailto:lab@example.org", true)]
    [InlineData("runs/12#curve", true)]
    [InlineData("java\tscript:alert(1)", false)]
    [InlineData(" JAVASCRIPT:alert(1)", false)]
    [InlineData("data:text/html,x", false)]
    public void Addresses_are_judged_by_their_scheme_as_a_browser_reads_it(string url, bool safe) =>
        Assert.Equal(safe, MarkdownText.IsSafeUrl(url));
}
