using Markdig;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace AutoResearch.Reports;

/// <summary>
/// Renders agent-written Markdown to HTML that is safe to inline: raw HTML is escaped, links and images are
/// reduced to their text (so nothing points outside the page), headings are pushed below the report's own.
/// </summary>
internal static class SafeMarkdown
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .UsePipeTables()
        .UseEmphasisExtras()
        .DisableHtml()
        .Build();

    public static string ToHtml(string markdown, int headingOffset = 3)
    {
        var document = Markdown.Parse(markdown ?? "", Pipeline);

        foreach (var link in document.Descendants<LinkInline>().ToList())
        {
            if (link.IsImage)
            {
                var alt = string.Concat(link.Descendants<LiteralInline>().Select(l => l.Content.ToString()));
                link.ReplaceBy(new LiteralInline($"[image: {alt}]"), false);
            }
            else
            {
                // Keep the text and show the address as plain text; nothing on the page points anywhere.
                if (!string.IsNullOrWhiteSpace(link.Url))
                {
                    link.InsertAfter(new LiteralInline($" ({link.Url})"));
                }

                link.MoveChildrenAfter(link);
                link.Remove();
            }
        }

        foreach (var autolink in document.Descendants<AutolinkInline>().ToList())
        {
            autolink.ReplaceBy(new LiteralInline(autolink.Url));
        }

        foreach (var heading in document.Descendants<HeadingBlock>())
        {
            heading.Level = Math.Min(6, heading.Level + headingOffset);
        }

        return Markdown.ToHtml(document, Pipeline);
    }
}
