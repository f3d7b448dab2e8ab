using Microsoft.Playwright;

namespace AutoResearch.Testing.Browser;

/// <summary>
/// Lets a browser context load only local content (file:, data:, about:) and records everything else it tried:
/// such requests are aborted, web sockets are closed, and their URLs are kept in <see cref="Blocked"/>.
/// </summary>
public sealed class LocalRequestGuard
{
    /// <summary>URL schemes that load.</summary>
    public static readonly IReadOnlyList<string> AllowedSchemes = ["file", "data", "about"];

    private readonly Lock _lock = new();
    private readonly List<string> _attempted = [];
    private readonly List<string> _blocked = [];

    private readonly IReadOnlyList<string> _origins;

    private LocalRequestGuard(IReadOnlyList<string> origins) => _origins = origins;

    /// <summary>Every request the context made, allowed or not, in order (data: URLs only where the browser reports them).</summary>
    public IReadOnlyList<string> Attempted
    {
        get
        {
            lock (_lock)
            {
                return [.. _attempted];
            }
        }
    }

    /// <summary>Requests that were not allowed, in order, each once.</summary>
    public IReadOnlyList<string> Blocked
    {
        get
        {
            lock (_lock)
            {
                return [.. _blocked];
            }
        }
    }

    /// <summary>Whether <paramref name="url"/> has one of the <see cref="AllowedSchemes"/>.</summary>
    public static bool IsAllowed(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        var colon = url.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && AllowedSchemes.Contains(url[..colon], StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Whether <paramref name="url"/> has an allowed scheme or is on one of the origins this guard also lets through.</summary>
    public bool Allows(string url) =>
        IsAllowed(url) || (Uri.TryCreate(url, UriKind.Absolute, out var uri)
                           && _origins.Contains(uri.GetLeftPart(UriPartial.Authority), StringComparer.OrdinalIgnoreCase));

    /// <summary>
    /// Installs the guard on <paramref name="context"/> (before any page opens, so nothing escapes it). Requests to
    /// <paramref name="allowedOrigins"/> (e.g. <c>http://127.0.0.1:5123</c>, a local server under test) load too.
    /// </summary>
    public static async Task<LocalRequestGuard> AttachAsync(IBrowserContext context, IReadOnlyList<string>? allowedOrigins = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        var guard = new LocalRequestGuard([.. (allowedOrigins ?? []).Select(o => o.TrimEnd('/'))]);
        context.Request += (_, request) => guard.Saw(request.Url);
        await context.RouteAsync(_ => true, async route =>
        {
            var url = route.Request.Url;
            if (guard.Allows(url))
            {
                await route.ContinueAsync().ConfigureAwait(false);
            }
            else
            {
                guard.Block(url);
                await route.AbortAsync("blockedbyclient").ConfigureAwait(false);
            }
        }).ConfigureAwait(false);
        await context.RouteWebSocketAsync(_ => true, ws =>
        {
            guard.Block(ws.Url);
            _ = ws.CloseAsync(new WebSocketRouteCloseOptions { Code = 1008, Reason = "blocked by LocalRequestGuard" });
        }).ConfigureAwait(false);
        return guard;
    }

    private void Saw(string url)
    {
        lock (_lock)
        {
            _attempted.Add(url);
        }

        if (!Allows(url))
        {
            Block(url);
        }
    }

    private void Block(string url)
    {
        lock (_lock)
        {
            if (!_blocked.Contains(url, StringComparer.Ordinal))
            {
                _blocked.Add(url);
            }
        }
    }
}
