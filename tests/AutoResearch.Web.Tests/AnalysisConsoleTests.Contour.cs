using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using AutoResearch.Evaluation;

namespace AutoResearch.Web.Tests;

public sealed partial class AnalysisConsoleTests
{
    [Fact]
    public async Task The_analysis_page_and_api_carry_a_contour_of_the_two_most_important_numeric_parameters_with_zoomable_charts()
    {
        var night = await SeedAsync();
        using var client = console.TokenClient();
        var view = await client.GetFromJsonAsync<JsonElement>($"/api/campaigns/{night.ToyId}/analysis");

        // lr (log) and depth are the numeric parameters: one surface, lr first (it mattered), on a log10 x axis.
        var contours = view.GetProperty("contours").EnumerateArray().ToList();
        var surface = Assert.Single(contours);
        Assert.Equal("lr", surface.GetProperty("x").GetString());
        Assert.Equal("depth", surface.GetProperty("y").GetString());
        Assert.True(surface.GetProperty("xLog").GetBoolean());
        Assert.Equal(-4, surface.GetProperty("xMin").GetDouble(), 9);
        var size = surface.GetProperty("size").GetInt32();
        Assert.Equal(ParameterContour.Size, size);
        var values = surface.GetProperty("values").EnumerateArray().ToList();
        Assert.Equal(size * size, values.Count);
        // The seeded loss is a bowl in log10(lr) around -2.5: the best smoothed cell is within half a decade of it.
        var column = surface.GetProperty("bestColumn").GetInt32();
        var xMin = surface.GetProperty("xMin").GetDouble();
        var xMax = surface.GetProperty("xMax").GetDouble();
        Assert.InRange(xMin + (column + 0.5) / size * (xMax - xMin), -3, -2);
        var low = surface.GetProperty("low").GetDouble();
        Assert.Contains(values, v => v.ValueKind == JsonValueKind.Number && v.GetDouble() == low);

        using var admin = await console.SignedInClientAsync();
        var html = await admin.GetStringAsync($"/campaigns/{night.ToyId}/analysis");
        var chart = Section(html, "contour-chart");
        Assert.StartsWith("id=\"contour-chart\" class=\"chart contour\" data-x=\"lr\" data-y=\"depth\"", chart, StringComparison.Ordinal);
        Assert.Equal(values.Count(v => v.ValueKind == JsonValueKind.Number), Regex.Matches(chart, "<rect class=\"cell").Count);
        Assert.Single(Regex.Matches(chart, "class=\"cell best-cell\" data-column=\"" + column.ToString(CultureInfo.InvariantCulture) + "\""));
        Assert.Contains("<circle class=\"best\" data-sequence=\"41\"", chart, StringComparison.Ordinal);
        Assert.Contains("class=\"axis legend-best\"", chart, StringComparison.Ordinal);
        Assert.Contains("data-zoom-x=\"log ", chart, StringComparison.Ordinal);
        Assert.Contains("<option value=\"lr/depth\" selected=\"selected\">lr × depth</option>", html, StringComparison.Ordinal);
        // Zoom: every slice, the pair and the contour carry their plot area and axes; the page loads its script from /assets.
        Assert.Equal(3, Regex.Matches(html, "<svg class=\"chart slice\"[^>]*data-zoom=\"").Count);
        Assert.Contains("<script src=\"/assets/analysis.js\" defer></script>", html, StringComparison.Ordinal);
        Assert.Contains("function zoomable(chart)", await admin.GetStringAsync("/assets/analysis.js"), StringComparison.Ordinal);

        // An unknown pair falls back to the default; a campaign with only a choice parameter says why there is no contour.
        var unknown = await admin.GetStringAsync($"/campaigns/{night.ToyId}/analysis?contour=nope/depth");
        Assert.Contains("data-x=\"lr\" data-y=\"depth\"", Section(unknown, "contour-chart"), StringComparison.Ordinal);
        var lucky = await admin.GetStringAsync($"/campaigns/{night.LuckyId}/analysis");
        Assert.Contains("id=\"contour-empty\"", lucky, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"contour-chart\"", lucky, StringComparison.Ordinal);
    }
}
