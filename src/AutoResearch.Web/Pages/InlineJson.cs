using System.Text;
using Microsoft.AspNetCore.Html;

namespace AutoResearch.Web.Pages;

/// <summary>
/// JSON placed inside a page's <c>&lt;script type="application/json"&gt;</c>. Whatever encoder serialized it, every <c>&lt;</c>,
/// <c>&gt;</c> and <c>&amp;</c> becomes a <c>\u00XX</c> escape (they can only occur inside JSON strings, where the escape
/// means the same), so no text a person typed (<c>&lt;/script&gt;</c>, <c>&lt;!--&lt;script&gt;</c>) can end the element or
/// switch the HTML parser into its script-data-escaped state, which would swallow the rest of the page.
/// </summary>
public static class InlineJson
{
    public static string Escape(string json)
    {
        var builder = new StringBuilder(json.Length + 16);
        foreach (var c in json)
        {
            if (c is '<' or '>' or '&' or '\u2028' or '\u2029') builder.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
            else builder.Append(c);
        }
        return builder.ToString();
    }

    public static IHtmlContent Html(string json) => new HtmlString(Escape(json));
}
