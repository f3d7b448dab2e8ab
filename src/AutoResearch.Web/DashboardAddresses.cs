using Orleans.Runtime;

namespace AutoResearch.Web;

/// <summary>
/// The Orleans dashboard's per-silo URLs (<c>/dashboard/SiloStats/{address}</c> and the like) take a silo address from the
/// path and fail with a 500 on one that does not parse. Here an address that is not a silo address is answered 404 with
/// the reason before the dashboard sees it.
/// </summary>
public static class DashboardAddresses
{
    /// <summary>The dashboard routes whose last segment is a silo address.</summary>
    public static readonly string[] Routes = ["HistoricalStats", "SiloProperties", "SiloMetadata", "SiloStats", "SiloCounters"];

    public static WebApplication UseDashboardAddressCheck(this WebApplication app, string prefix = "/dashboard")
    {
        app.Use(async (context, next) =>
        {
            if (context.Request.Path.StartsWithSegments(prefix, out var rest) && rest.Value is { Length: > 1 } tail)
            {
                var parts = tail.TrimStart('/').Split('/', 2);
                if (parts.Length == 2 && Routes.Contains(parts[0], StringComparer.OrdinalIgnoreCase) && !IsSiloAddress(Uri.UnescapeDataString(parts[1])))
                {
                    context.Response.StatusCode = StatusCodes.Status404NotFound;
                    await Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such silo",
                        detail: $"'{parts[1]}' is not a silo address (such as 10.0.0.5:11111@123456789); the dashboard's Silos page lists them.").ExecuteAsync(context);
                    return;
                }
            }
            await next(context);
        });
        return app;
    }

    public static bool IsSiloAddress(string text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > 200) return false;
        try
        {
            return SiloAddress.FromParsableString(text) is { Endpoint: not null };
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or IndexOutOfRangeException or OverflowException or System.Net.Sockets.SocketException)
        {
            return false;
        }
    }
}
