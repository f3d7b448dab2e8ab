using System.Globalization;
using AutoResearch.Web.Campaigns;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AutoResearch.Web.Pages;

/// <summary>
/// The night overview: every campaign started in a chosen night (noon to noon, server local time; last night by default)
/// with best against baseline, whether the best held up on held-out, failures, budget burn and its reports.
/// <see cref="ConsoleAnalysis.NightAsync"/>, as <c>/api/night</c>.
/// </summary>
public sealed class NightModel(ConsoleAnalysis analysis) : PageModel
{
    public NightView? View { get; private set; }
    public string? Problem { get; private set; }
    public string Date { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync(string? date, CancellationToken cancellationToken)
    {
        var (night, problem) = ParseDate(date);
        if (problem is not null)
        {
            Problem = problem;
            Date = date ?? "";
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        View = await analysis.NightAsync(night, cancellationToken);
        Date = View.Night.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return Page();
    }

    /// <summary>A night's date (<c>yyyy-MM-dd</c>, as the date picker sends it); null for last night.</summary>
    public static (DateOnly? Night, string? Problem) ParseDate(string? date)
    {
        if (string.IsNullOrWhiteSpace(date)) return (null, null);
        return DateOnly.TryParseExact(date.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var night)
            ? (night, null)
            : (null, $"'{date}' is not a date; use yyyy-MM-dd, e.g. 2026-12-04");
    }

    public static string Percent(double used, double budget) =>
        budget > 0 ? (used / budget).ToString("P0", CultureInfo.InvariantCulture) : "no limit";
}
